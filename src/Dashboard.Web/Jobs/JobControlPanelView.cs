using Dashboard.Data.JobControl;
using Dashboard.Data.Jobs;
using Dashboard.Engine.Feed;
using Dashboard.Scheduling.Control;
using Dashboard.Scheduling.Model;
using Dashboard.Web.Identity;

namespace Dashboard.Web.Jobs;

/// <summary>
/// What the job page's control panel shows: the hold (who, with whose authority), the jobs it runs after, its sweep
/// place, which attempt it is (after a requeue or a preemption), and which of Hold, Release, Edit and Requeue the person
/// may press. Null when there is nothing to show or do.
/// </summary>
public sealed record JobControlPanelView(string? HoldText, string? After, string? Sweep, bool CanHold, bool CanRelease, bool CanEdit = false, bool CanRequeue = false, string? Attempt = null)
{
    /// <param name="attempts">Which attempt the job is on (1 until it first goes back to the queue).</param>
    public static JobControlPanelView? Of(JobRecord record, JobControlFacts? stored, ClusterUpdate? update, ICurrentUser user, int attempts = 1)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(user);
        var id = record.Job.Id;
        var spec = record.Job.Spec;
        var waiting = record.State == JobState.Pending;
        var hold = waiting ? update?.Snapshot.Controls.Holds.GetValueOrDefault(id) ?? (update is null ? stored?.Hold : null) : null;
        var after = (stored?.DependsOn ?? []).Select(Describe).ToList();
        var sweep = stored?.Sweep is { } member ? $"sweep {member.Sweep}, job {member.Index + 1}" : null;
        var mayAct = user.CanActOnJob(spec.Owner, spec.Team);
        var canHold = waiting && mayAct && (hold is null || hold.Authority < Commands.JobAuthority.ToHold(user, spec));
        var canRelease = hold is not null && mayAct && hold.Authority <= Commands.JobAuthority.ToRelease(user, spec);
        var batch = !record.Job.IsSession;
        var canEdit = waiting && mayAct && batch;
        var canRequeue = !waiting && mayAct && batch;
        var attempt = attempts > 1 ? $"attempt {attempts}" : null;
        return hold is null && after.Count == 0 && sweep is null && !canHold && !canEdit && !canRequeue && attempt is null
            ? null
            : new JobControlPanelView(hold?.Describe(), after.Count == 0 ? null : "Runs after " + string.Join(" and ", after), sweep, canHold, canRelease, canEdit, canRequeue, attempt);
    }

    private static string Describe(DependencyTerm term) => term.Rule switch
    {
        DependencyRule.AfterOk => $"job {term.On} succeeds",
        DependencyRule.AfterNotOk => $"job {term.On} fails",
        _ => $"job {term.On} ends",
    };
}
