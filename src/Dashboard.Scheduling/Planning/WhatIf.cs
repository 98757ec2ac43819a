using System.Collections.Immutable;
using System.Globalization;
using Dashboard.Scheduling.Model;

namespace Dashboard.Scheduling.Planning;

/// <summary>
/// What would happen to a job if it were submitted now: the submit form's live panel. It runs the real core, not a
/// copy of its rules: the hypothetical job is submitted into the snapshot (<see cref="ClusterTransitions.Submit"/>,
/// with an id above every existing one, as the engine's next id is) and a pass decides every pending job as
/// <see cref="Scheduler.Plan"/> would; only step 6 is cut to the one job asked about (its explanation alone, its start
/// simulated only until it is known), so the answer is exactly what the full plan says of it
/// (<see cref="EvaluateByFullPlan"/> reads it from a full plan; the tests compare the two).
/// </summary>
public static class WhatIf
{
    /// <summary>
    /// The outcome for <paramref name="spec"/> submitted at <paramref name="now"/> into <paramref name="snapshot"/>
    /// (the state the engine last published, its plan applied). The spec must pass <see cref="JobSpecValidation"/>.
    /// </summary>
    public static WhatIfOutcome Evaluate(ClusterSnapshot snapshot, JobSpec spec, DateTimeOffset now)
    {
        var (hypothetical, job) = Hypothetical(snapshot, spec, now);
        return Decide(hypothetical, job.Id, now);
    }

    /// <summary>
    /// The same answer as <see cref="Evaluate"/>, read from a full <see cref="Scheduler.Plan"/> that decides and
    /// explains every pending job: the reference the fast answer is tested against.
    /// </summary>
    internal static WhatIfOutcome EvaluateByFullPlan(ClusterSnapshot snapshot, JobSpec spec, DateTimeOffset now)
    {
        var (hypothetical, job) = Hypothetical(snapshot, spec, now);
        return OutcomeOf(Scheduler.Plan(hypothetical, now), job.Id);
    }

    /// <summary>An id above every job the snapshot holds, so the hypothetical job is ordered after its equals, as a real new job is.</summary>
    public static JobId NextId(ClusterSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var highest = 0L;
        foreach (var running in snapshot.Running)
        {
            highest = Math.Max(highest, running.Job.Id.Value);
        }

        // Each team's ordered arrays are built once per version of its queue and shared with every pass (the what-if's
        // own pass reads them next): a flat walk, where the queue's trees cost ~100 ns a job.
        foreach (var (_, queue) in snapshot.Pending.ByTeam)
        {
            foreach (ref readonly var pending in PendingQueue.OrderedTeam(queue).Queued.AsSpan())
            {
                highest = Math.Max(highest, pending.Id.Value);
            }
        }

        return new JobId(highest + 1);
    }

    private static (ClusterSnapshot Hypothetical, Job Job) Hypothetical(ClusterSnapshot snapshot, JobSpec spec, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(spec);
        var errors = JobSpecValidation.Validate(spec);
        if (errors.Count > 0)
        {
            throw new ArgumentException($"A what-if needs a valid job: {string.Join("; ", errors.Select(e => $"{e.Field}: {e.Message}"))}", nameof(spec));
        }

        var job = new Job(NextId(snapshot), spec, now);

        // A pass that does not explain every pending job may stop before reaching this one; the what-if always
        // asks for its explanation. Explaining changes no decision, only how far the pass reads.
        var hypothetical = ClusterTransitions.Submit(snapshot, job) with
        {
            Settings = snapshot.Settings with { ExplainAllPending = true },
        };
        return (hypothetical, job);
    }

    /// <summary><see cref="Scheduler.Plan"/>'s decision about <paramref name="job"/> alone (<see cref="Scheduler.PlanFor"/>).</summary>
    private static WhatIfOutcome Decide(ClusterSnapshot hypothetical, JobId job, DateTimeOffset now) =>
        Scheduler.PlanFor(hypothetical, now, job) switch
        {
            { Start: { } start } => new WhatIfOutcome.StartsNow(start.Allocation.Node, start.Allocation.GpuIndices, start.Borrowing),
            { Refusal: { } refusal } => new WhatIfOutcome.NeverFits(refusal.Reason),
            { Waiting: { } pending } => Queued(pending),
            _ => throw new InvalidOperationException($"The pass decides nothing about job {job}: it neither starts, is refused nor waits."),
        };

    private static WhatIfOutcome.Queued Queued(PendingExplanation pending) =>
        new(pending.EstimatedStart, pending.Reason.JobsAhead, pending.Reason.Describe());

    /// <summary>Reads one job's outcome from a plan: started, refused, or waiting.</summary>
    public static WhatIfOutcome OutcomeOf(SchedulePlan plan, JobId job)
    {
        ArgumentNullException.ThrowIfNull(plan);
        foreach (var start in plan.Starts)
        {
            if (start.Job.Id == job)
            {
                return new WhatIfOutcome.StartsNow(start.Allocation.Node, start.Allocation.GpuIndices, start.Borrowing);
            }
        }

        foreach (var refusal in plan.Refusals)
        {
            if (refusal.Job == job)
            {
                return new WhatIfOutcome.NeverFits(refusal.Reason);
            }
        }

        if (plan.Pending.Find(job) is { } pending)
        {
            return Queued(pending);
        }

        throw new InvalidOperationException($"The plan decides nothing about job {job}: it neither starts, is refused nor waits.");
    }
}

/// <summary>One of three answers to "what if I submitted this now?".</summary>
public abstract record WhatIfOutcome
{
    private WhatIfOutcome()
    {
    }

    /// <summary>The sentence the submit form shows.</summary>
    public abstract string Describe();

    /// <summary>It would start at once on <see cref="Node"/> with exactly <see cref="GpuIndices"/>; borrowing: beyond the team's nominal quota, so preemptible.</summary>
    public sealed record StartsNow(string Node, ImmutableArray<int> GpuIndices, bool Borrowing) : WhatIfOutcome
    {
        /// <summary>"Starts now on demo-gpu-02 (GPUs 4-5)", with "borrowing idle capacity; may be preempted" when it borrows.</summary>
        public override string Describe() =>
            $"Starts now on {Node} ({GpuIndexRanges.Describe(GpuIndices)})" + (Borrowing ? ", borrowing idle capacity beyond the team's quota (may be preempted)" : string.Empty);

        public bool Equals(StartsNow? other) =>
            other is not null && Node == other.Node && GpuIndices.SequenceEqual(other.GpuIndices) && Borrowing == other.Borrowing;

        public override int GetHashCode() => HashCode.Combine(Node, GpuIndices.Length, Borrowing);
    }

    /// <summary>
    /// It would wait: <see cref="EstimatedStart"/> (null when it depends on a job without walltime), with
    /// <see cref="JobsAhead"/> waiting jobs before it and <see cref="Reason"/> in the words the Jobs page uses.
    /// </summary>
    public sealed record Queued(DateTimeOffset? EstimatedStart, int JobsAhead, string Reason) : WhatIfOutcome
    {
        public override string Describe() =>
            EstimatedStart is { } start
                ? string.Create(CultureInfo.InvariantCulture, $"Queued: estimated start {start.UtcDateTime:yyyy-MM-dd HH:mm} UTC ({Reason})")
                : $"Queued: no estimated start, it waits for a job without a walltime ({Reason})";
    }

    /// <summary>The engine would refuse it: <see cref="Reason"/> is the refusal's text, e.g. "needs 16 GPUs; the largest node has 8".</summary>
    public sealed record NeverFits(string Reason) : WhatIfOutcome
    {
        public override string Describe() => $"Can never run: {Reason}";
    }
}
