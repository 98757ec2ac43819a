using System.Globalization;
using Dashboard.Scheduling.Model;
using Dashboard.Scheduling.Planning;

namespace Dashboard.Scheduling.Tests.Builders;

/// <summary>Reading a <see cref="SchedulePlan"/> and a snapshot in the words tests use.</summary>
internal static class PlanQueries
{
    public static SchedulePlan Plan(this ClusterBuilder builder) => Scheduler.Plan(builder.Build(), Time.Now);

    public static SchedulePlan Plan(this ClusterSnapshot snapshot) => Scheduler.Plan(snapshot, Time.Now);

    public static long[] StartedIds(this SchedulePlan plan) => [.. plan.Starts.Select(s => s.Job.Id.Value)];

    public static long[] WaitingIds(this SchedulePlan plan) => [.. plan.Pending.Select(p => p.Job.Value)];

    public static JobStart StartOf(this SchedulePlan plan, long id) =>
        plan.Starts.SingleOrDefault(s => s.Job.Id.Value == id)
        ?? throw new InvalidOperationException($"Job {id} did not start. Plan:\n{PlanText.Of(plan)}");

    public static PendingExplanation ExplanationOf(this SchedulePlan plan, long id) =>
        plan.Pending.SingleOrDefault(p => p.Job.Value == id)
        ?? throw new InvalidOperationException($"Job {id} has no explanation. Plan:\n{PlanText.Of(plan)}");

    /// <summary>How many GPUs of <paramref name="node"/> no running job holds.</summary>
    public static int FreeGpus(this ClusterSnapshot snapshot, string node) =>
        snapshot.Nodes.Single(n => n.Name == node).Gpus.Length
        - snapshot.Running.Where(r => r.Allocation.Node == node).Sum(r => r.Allocation.GpuIndices.Length);
}

/// <summary>
/// A plan as lines of text, one per decision, in plan order: compares plans element by element (records holding
/// immutable arrays do not compare by content) and reads well in a failure message.
/// </summary>
internal static class PlanText
{
    public static IReadOnlyList<string> Lines(SchedulePlan plan)
    {
        var lines = new List<string>();
        lines.AddRange(plan.Starts.Select(s => Invariant(
            $"start {s.Job.Id} on {s.Allocation.Describe()} cpu={s.Allocation.CpuMillicores} mem={s.Allocation.MemoryMiB} at {s.Allocation.Start:O} until {s.Allocation.ExpectedEnd:O} borrowing={s.Borrowing}")));
        lines.AddRange(plan.Refusals.Select(r => $"refuse {r.Job}: {r.Reason}"));
        lines.AddRange(plan.Preemptions.Select(p => $"preempt {p.Victim} for {p.Beneficiary}: {p.Reason}"));
        lines.AddRange(plan.Pending.Select(p => Invariant(
            $"wait {p.Job} until {p.EstimatedStart:O} [{p.Reason.Cause} ahead={p.Reason.JobsAhead} inUse={p.Reason.TeamInUse} ceiling={p.Reason.TeamCeiling} blocking={p.Reason.BlockingJob}] {Describe(p.Reservation)}: {p.Reason.Describe()}")));
        return lines;
    }

    public static string Of(SchedulePlan plan) => string.Join('\n', Lines(plan));

    private static string Describe(BackfillReservation? reservation) =>
        reservation is null ? "no reservation" : Invariant($"reserved {reservation.Node} at {reservation.Start:O} for {reservation.Amount}");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
