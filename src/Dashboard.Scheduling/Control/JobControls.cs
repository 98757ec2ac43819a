using System.Collections.Immutable;
using Dashboard.Scheduling.Model;

namespace Dashboard.Scheduling.Control;

/// <summary>
/// What decides whether a waiting job may start besides capacity and quota: holds, dependencies and sweep limits, plus
/// the end states of jobs that others depend on. Immutable, part of the <see cref="ClusterSnapshot"/> (so the engine's
/// undo of a failed batch covers it); <see cref="Eligibility"/> reads it. Entries of jobs that no longer wait are
/// dropped by <see cref="Prune"/>.
/// </summary>
public sealed record JobControls(
    ImmutableDictionary<JobId, JobHold> Holds,
    ImmutableDictionary<JobId, ImmutableArray<DependencyTerm>> Dependencies,
    ImmutableDictionary<JobId, SweepMember> Members,
    ImmutableDictionary<long, SweepTally> Sweeps,
    ImmutableDictionary<JobId, JobState> Outcomes)
{
    public static JobControls Empty { get; } = new(
        ImmutableDictionary<JobId, JobHold>.Empty,
        ImmutableDictionary<JobId, ImmutableArray<DependencyTerm>>.Empty,
        ImmutableDictionary<JobId, SweepMember>.Empty,
        ImmutableDictionary<long, SweepTally>.Empty,
        ImmutableDictionary<JobId, JobState>.Empty);

    /// <summary>True when nothing holds any job back (the filter then has nothing to do).</summary>
    public bool IsEmpty => Holds.IsEmpty && Dependencies.IsEmpty && Sweeps.IsEmpty;

    public JobControls Hold(JobId job, JobHold hold) => this with { Holds = Holds.SetItem(job, hold) };

    public JobControls Release(JobId job) => this with { Holds = Holds.Remove(job) };

    public JobControls Depend(JobId job, ImmutableArray<DependencyTerm> terms) =>
        terms.IsDefaultOrEmpty ? this : this with { Dependencies = Dependencies.SetItem(job, terms) };

    public JobControls Join(JobId job, SweepMember member) => this with { Members = Members.SetItem(job, member) };

    public JobControls StartSweep(SweepTally sweep) => this with { Sweeps = Sweeps.SetItem(sweep.Id, sweep) };

    /// <summary>
    /// A sweep's job runs again at <paramref name="place"/> (an ended job requeued, or a new attempt replacing a failed
    /// one): it joins the sweep, whose limit of running jobs applies to it again, and the sweep's tally no longer counts
    /// the end it replaces (<paramref name="replacedEnd"/>). A sweep already finished (and so forgotten) starts again from
    /// <paramref name="stored"/>, its tally as stored.
    /// </summary>
    public JobControls Rejoin(JobId job, SweepMember place, JobState replacedEnd, SweepTally? stored)
    {
        ArgumentNullException.ThrowIfNull(place);
        var joined = Join(job, place);
        var tally = Sweeps.GetValueOrDefault(place.Sweep) ?? (stored?.Id == place.Sweep ? stored : null);
        return tally is null ? joined : joined.StartSweep(tally.Uncount(replacedEnd));
    }

    /// <summary>Every job some waiting job depends on.</summary>
    public IEnumerable<JobId> Targets => Dependencies.Values.SelectMany(t => t).Select(t => t.On).Distinct();

    /// <summary>
    /// Records that <paramref name="job"/> ended as <paramref name="state"/>: kept when a waiting job depends on it,
    /// counted in its sweep's tally. Returns the sweep's tally when this end finished it.
    /// </summary>
    public JobControls Ended(JobId job, JobState state, out SweepTally? finishedSweep)
    {
        finishedSweep = null;
        var controls = this;
        if (Dependencies.Values.Any(terms => terms.Any(t => t.On == job)))
        {
            controls = controls with { Outcomes = controls.Outcomes.SetItem(job, state) };
        }

        if (Members.TryGetValue(job, out var member))
        {
            controls = controls with { Members = controls.Members.Remove(job) };
            if (controls.Sweeps.TryGetValue(member.Sweep, out var tally))
            {
                var counted = tally.Count(state);
                finishedSweep = counted.Finished ? counted : null;
                controls = controls with { Sweeps = counted.Finished ? controls.Sweeps.Remove(member.Sweep) : controls.Sweeps.SetItem(member.Sweep, counted) };
            }
        }

        return controls with { Holds = controls.Holds.Remove(job), Dependencies = controls.Dependencies.Remove(job) };
    }

    /// <summary>Drops holds and dependencies of jobs that no longer wait (they started), and outcomes nobody waits on.</summary>
    public JobControls Prune(PendingQueue pending)
    {
        ArgumentNullException.ThrowIfNull(pending);
        var holds = Holds.Keys.Where(id => pending.Find(id) is null).ToList();
        var dependencies = Dependencies.Keys.Where(id => pending.Find(id) is null).ToList();
        if (holds.Count == 0 && dependencies.Count == 0 && Outcomes.IsEmpty)
        {
            return this;
        }

        var pruned = this with { Holds = Holds.RemoveRange(holds), Dependencies = Dependencies.RemoveRange(dependencies) };
        var targets = pruned.Targets.ToHashSet();
        var unused = pruned.Outcomes.Keys.Where(id => !targets.Contains(id)).ToList();
        return unused.Count == 0 && holds.Count == 0 && dependencies.Count == 0 ? this : pruned with { Outcomes = pruned.Outcomes.RemoveRange(unused) };
    }
}
