using System.Collections.Immutable;
using System.Text.Json;
using Dashboard.Data.Audit;
using Dashboard.Data.Usage;
using Dashboard.Data.Writing;
using Dashboard.Engine.Elastic;
using Dashboard.Engine.Execution;
using Dashboard.Engine.Feed;
using Dashboard.Scheduling.Model;
using Dashboard.Scheduling.Elastic;
using Dashboard.Scheduling.Planning;

namespace Dashboard.Engine.Loop;

/// <summary>Why the engine asked a running job to stop; decides the state it ends in.</summary>
/// <param name="EndsAs">The state the job ends in (Pending: back to the queue).</param>
/// <param name="Reason">Why, in words.</param>
/// <param name="Requeued">A person's requeue: stopped as a cancel is (no preemption grace), then back to the queue.</param>
internal sealed record StopIntent(JobState EndsAs, string Reason, bool Requeued = false);

/// <summary>
/// The cluster as the engine loop holds it: the immutable snapshot the scheduler reads, the next job id, and the
/// jobs being stopped. Applies commands by recording what changes in an <see cref="EngineBatch"/>; does no I/O.
/// Only the engine loop touches it.
/// </summary>
internal sealed partial class ClusterState(RecoveredState recovered)
{
    private static readonly JsonSerializerOptions AuditJson = new() { WriteIndented = false };

    public ClusterSnapshot Snapshot { get; private set; } = recovered.Snapshot;

    public long NextJobId { get; private set; } = recovered.NextJobId;

    public ImmutableDictionary<JobId, StopIntent> Stopping { get; private set; } = ImmutableDictionary<JobId, StopIntent>.Empty;

    /// <summary>
    /// The waiting jobs as the latest scheduling pass left them (built when read). The writer's passes do not estimate
    /// starts and may stop early: what people read is explained off the writer (see <see cref="WaitingExplainer"/>).
    /// </summary>
    public PendingExplanations PlanPending { get; private set; } = PendingExplanations.Empty;

    /// <summary>Nodes the engine itself took Down because an allocated GPU vanished; they come back with the GPU.</summary>
    public ImmutableHashSet<string> DownForMissingGpus { get; private set; } = ImmutableHashSet<string>.Empty;

    /// <summary>Everything needed to undo a batch whose commit failed (the elastic pools' memory included).</summary>
    public (ClusterSnapshot Snapshot, long NextJobId, ImmutableDictionary<JobId, StopIntent> Stopping, PendingExplanations PlanPending, ImmutableArray<ProvisioningWait> Provisioning, ElasticState Elastic) Save() =>
        (Snapshot, NextJobId, Stopping, PlanPending, Provisioning, Elastic);

    public void Restore((ClusterSnapshot Snapshot, long NextJobId, ImmutableDictionary<JobId, StopIntent> Stopping, PendingExplanations PlanPending, ImmutableArray<ProvisioningWait> Provisioning, ElasticState Elastic) saved) =>
        (Snapshot, NextJobId, Stopping, PlanPending, Provisioning, Elastic) = saved;

    public CommandResult Submit(JobSpec spec, string actor, EngineBatch batch)
    {
        var errors = JobSpecValidation.Validate(spec);
        if (errors.Count > 0)
        {
            return CommandResult.Invalid(errors);
        }

        if (ReservationProblem(spec, batch.Now) is { } notInto)
        {
            return CommandResult.Invalid([notInto]);
        }

        if (NeverFitsNow().Check(spec) is { } reason)
        {
            return CommandResult.NeverFits(reason);
        }

        var job = new Job(new JobId(NextJobId++), spec, batch.Now);
        Snapshot = ClusterTransitions.Submit(Snapshot, job);
        batch.Changes.Add(new JobSubmitted(job));
        batch.Changes.Add(Audit(batch.Now, actor, "job.submit", Target(job.Id), null, spec));
        batch.Events.Add(new JobStateChangedEvent(job.Id, spec.Owner, spec.Team, JobState.Pending, JobState.Pending, "submitted", batch.Now));
        batch.NeedsPlan = true;
        return CommandResult.Accepted(job.Id);
    }

    /// <summary>After a restart: cancels that were requested but had not ended the job are requested again.</summary>
    public void ResumeCancels(IReadOnlyDictionary<JobId, string> cancels, EngineBatch batch)
    {
        foreach (var (job, reason) in cancels)
        {
            if (FindRunning(job) is not null && !Stopping.ContainsKey(job))
            {
                Stopping = Stopping.SetItem(job, new StopIntent(JobState.Cancelled, reason));
                batch.Stops.Add(job);
            }
        }
    }

    public CommandResult Cancel(JobId id, string actor, EngineBatch batch)
    {
        if (Snapshot.Pending.Find(id) is { } pending)
        {
            Snapshot = ClusterTransitions.CancelPending(Snapshot, id);
            var reason = $"cancelled by {actor}";
            batch.Changes.Add(new JobStateChanged(id, JobState.Pending, JobState.Cancelled, batch.Now, reason));
            batch.Changes.Add(Audit(batch.Now, actor, "job.cancel", Target(id), new { State = JobState.Pending }, new { State = JobState.Cancelled }));
            batch.Events.Add(new JobStateChangedEvent(id, pending.Spec.Owner, pending.Team, JobState.Pending, JobState.Cancelled, reason, batch.Now));
            batch.NeedsPlan = true;
            return CommandResult.Done("cancelled");
        }

        if (FindRunning(id) is not null)
        {
            if (!Stopping.ContainsKey(id))
            {
                Stopping = Stopping.SetItem(id, new StopIntent(JobState.Cancelled, $"cancelled by {actor}"));
                batch.Stops.Add(id);
                batch.Changes.Add(Audit(batch.Now, actor, "job.cancel", Target(id), new { State = JobState.Running }, new { State = "stopping" }));
            }

            return CommandResult.Stopping();
        }

        return CommandResult.Conflict($"job {id} is not pending or running");
    }

    public void JobExited(JobExit exit, EngineBatch batch)
    {
        if (FindRunning(exit.Job) is not { } running)
        {
            return;
        }

        var intent = Stopping.GetValueOrDefault(exit.Job);
        Stopping = Stopping.Remove(exit.Job);
        var endsAs = intent?.EndsAs ?? (exit.Requeue ? JobState.Pending : exit.ExitCode == 0 ? JobState.Succeeded : JobState.Failed);
        var reason = intent?.Reason ?? exit.Reason ?? (exit.ExitCode is { } code && code != 0 ? $"exited with code {code}" : null);
        // Only the scheduler's own preemption counts against the job (no thrash); a person's requeue or a backend's
        // (a failed node) does not.
        var preempted = intent is { EndsAs: JobState.Pending, Requeued: false };
        var before = Snapshot;
        Snapshot = endsAs == JobState.Pending
            ? ClusterTransitions.Requeue(Snapshot, exit.Job, batch.Now, preempted)
            : ClusterTransitions.Release(Snapshot, exit.Job, batch.Now);

        var allocation = running.Allocation;
        batch.Changes.Add(new AllocationReleased(exit.Job, batch.Now));
        batch.Changes.Add(new JobStateChanged(exit.Job, JobState.Running, endsAs, batch.Now, reason, exit.ExitCode) { Preempted = preempted });
        if (Snapshot.Usage.FirstOrDefault(u => u.Team == running.Job.Team) is { } usage)
        {
            batch.Changes.Add(new TeamUsageSet(usage));
        }

        var held = FairShare.Held(allocation, batch.Now);
        var runSeconds = Math.Max(0, (batch.Now - allocation.Start).TotalSeconds);
        batch.Changes.Add(new JobUsageRecorded(new JobUsage(
            exit.Job,
            Math.Max(0, (allocation.Start - running.Job.SubmittedAt).TotalSeconds),
            runSeconds,
            held.GpuSeconds,
            held.CpuSeconds,
            allocation.MemoryMiB * runSeconds,
            batch.Now)));
        RecordBorrowingChanges(before, batch);
        batch.Events.Add(new AllocationReleasedEvent(exit.Job, allocation.Node, allocation.GpuIndices, batch.Now));
        batch.Events.Add(new JobStateChangedEvent(exit.Job, running.Job.Spec.Owner, running.Job.Team, JobState.Running, endsAs, reason, batch.Now));
        batch.NeedsPlan = true;
    }

    public CommandResult SetQuota(TeamQuota quota, string actor, EngineBatch batch)
    {
        var errors = QuotaValidation.Validate(quota);
        if (errors.Count > 0)
        {
            return CommandResult.Invalid(errors);
        }

        var before = Snapshot;
        var previous = Snapshot.Quotas.FirstOrDefault(q => q.Team == quota.Team);
        Snapshot = ClusterTransitions.SetQuota(Snapshot, quota);
        batch.Changes.Add(new QuotaSet(quota, batch.Now));
        batch.Changes.Add(Audit(batch.Now, actor, "quota.set", $"team:{quota.Team}", previous, quota));
        RecordBorrowingChanges(before, batch);
        batch.Events.Add(new QuotaChangedEvent(quota, batch.Now));
        batch.NeedsPlan = true;
        return CommandResult.Done();
    }

    public CommandResult SetNodeState(string name, NodeState state, string? reason, string actor, EngineBatch batch)
    {
        var node = Snapshot.Nodes.FirstOrDefault(n => n.Name == name);
        if (node is null)
        {
            return CommandResult.NotFound($"there is no node named {name}");
        }

        if (node.State == state)
        {
            return CommandResult.Done($"{name} is already {state}");
        }

        if (node.State is NodeState.Provisioning or NodeState.Releasing or NodeState.Failed || state is NodeState.Provisioning or NodeState.Releasing or NodeState.Failed)
        {
            return CommandResult.Conflict($"{name} is {node.State}: its elastic pool decides its state");
        }

        Snapshot = ClusterTransitions.SetNodeState(Snapshot, name, state);
        batch.Changes.Add(new NodeStateChanged(name, state, reason, batch.Now));
        batch.Changes.Add(Audit(batch.Now, actor, $"node.{state.ToString().ToLowerInvariant()}", $"node:{name}", new { node.State }, new { State = state, Reason = reason }));
        batch.Events.Add(new NodeChangedEvent(node with { State = state }, reason, batch.Now));
        batch.NeedsPlan = true;
        return CommandResult.Done();
    }

    public CommandResult UpsertNode(Node node, bool atStartUp, EngineBatch batch)
    {
        var existing = Snapshot.Nodes.FirstOrDefault(n => n.Name == node.Name);
        var held = Snapshot.Running.Where(r => r.Allocation.Node == node.Name).SelectMany(r => r.Allocation.GpuIndices).ToHashSet();
        var missing = held.Where(i => !node.Gpus.Any(g => g.Index == i)).Order().ToList();
        string? reason = null;
        if (missing.Count > 0)
        {
            // A GPU vanished under a running job: the node keeps the GPU in its record (the job still holds it) and
            // leaves scheduling until the GPU is back.
            var kept = existing?.Gpus.Where(g => missing.Contains(g.Index)) ?? [];
            node = node with { Gpus = [.. node.Gpus.Concat(kept).OrderBy(g => g.Index)], State = NodeState.Down };
            DownForMissingGpus = DownForMissingGpus.Add(node.Name);
            reason = $"GPU {string.Join(", ", missing)} disappeared while allocated";
        }
        else if (existing is not null && DownForMissingGpus.Contains(node.Name))
        {
            // The engine took it down for a missing GPU; the GPU is back.
            node = node with { State = NodeState.Ready };
            DownForMissingGpus = DownForMissingGpus.Remove(node.Name);
            reason = "every allocated GPU is back";
        }
        else if (existing is { State: NodeState.Draining } || (existing is not null && !atStartUp))
        {
            // Inventory says what a node has, not whether an admin drained it or took it down.
            node = node with { State = existing.State };
        }

        if (existing is not null && existing.Gpus.SequenceEqual(node.Gpus) && existing.CpuMillicores == node.CpuMillicores
            && existing.MemoryMiB == node.MemoryMiB && existing.State == node.State && existing.Simulated == node.Simulated && existing.Note == node.Note && existing.ExpectedBack == node.ExpectedBack)
        {
            return CommandResult.Done("unchanged");
        }

        Snapshot = ClusterTransitions.UpsertNode(Snapshot, node);
        batch.Changes.Add(new NodeUpserted(node, batch.Now));
        batch.Events.Add(new NodeChangedEvent(node, reason, batch.Now));
        batch.NeedsPlan = true;
        return CommandResult.Done(reason);
    }

    /// <summary>Asks running jobs past their walltime to stop; they end as TimedOut.</summary>
    public void EnforceWalltimes(EngineBatch batch)
    {
        foreach (var running in Snapshot.Running)
        {
            if (running.Allocation.ExpectedEnd is { } end && end <= batch.Now && !Stopping.ContainsKey(running.Job.Id))
            {
                var walltime = running.Job.Spec.Walltime ?? TimeSpan.Zero;
                Stopping = Stopping.SetItem(running.Job.Id, new StopIntent(JobState.TimedOut, $"reached its walltime of {Durations.Describe(walltime)}"));
                batch.Stops.Add(running.Job.Id);
            }
        }
    }

    /// <summary>Records a scheduling plan: starts become Running with their allocation, refusals Rejected, preemption victims are stopped.</summary>
    public void ApplyPlan(SchedulePlan plan, EngineBatch batch)
    {
        var refused = plan.Refusals.Select(r => (Refusal: r, Job: Snapshot.Pending.Find(r.Job))).ToList();
        Snapshot = ClusterTransitions.ApplyPlan(Snapshot, plan);
        foreach (var start in plan.Starts)
        {
            batch.Changes.Add(new JobStateChanged(start.Job.Id, JobState.Pending, JobState.Running, batch.Now, start.Borrowing ? "running on borrowed capacity (preemptible)" : null));
            batch.Changes.Add(new AllocationMade(start.Allocation, start.Borrowing));
            batch.Events.Add(new JobStateChangedEvent(start.Job.Id, start.Job.Spec.Owner, start.Job.Team, JobState.Pending, JobState.Running, null, batch.Now));
            batch.Events.Add(new AllocationMadeEvent(start.Allocation, start.Job.Spec.Owner, start.Job.Team, batch.Now));
            batch.Launches.Add(new JobLaunch(start.Job, start.Allocation));
        }

        foreach (var (refusal, job) in refused)
        {
            batch.Changes.Add(new JobStateChanged(refusal.Job, JobState.Pending, JobState.Rejected, batch.Now, refusal.Reason));
            batch.Events.Add(new JobStateChangedEvent(refusal.Job, job?.Spec.Owner ?? string.Empty, job?.Team ?? string.Empty, JobState.Pending, JobState.Rejected, refusal.Reason, batch.Now));
        }

        foreach (var preemption in plan.Preemptions)
        {
            if (!Stopping.ContainsKey(preemption.Victim))
            {
                Stopping = Stopping.SetItem(preemption.Victim, new StopIntent(JobState.Pending, "preempted: " + preemption.Reason));
                batch.Stops.Add(preemption.Victim);
            }
        }

        PlanPending = plan.Pending;
    }

    /// <summary>
    /// Records a cheap pass (<see cref="CheapPass.DecidesNothing"/>): nothing starts, is refused or preempted; the waiting
    /// jobs' reasons are the full pass's, computed when read.
    /// </summary>
    public void KeepWaiting(PendingExplanations pending) => PlanPending = pending;

    public RunningJob? FindRunning(JobId id)
    {
        foreach (var running in Snapshot.Running)
        {
            if (running.Job.Id == id)
            {
                return running;
            }
        }

        return null;
    }

    private void RecordBorrowingChanges(ClusterSnapshot before, EngineBatch batch)
    {
        var previous = before.Running.ToDictionary(r => r.Job.Id, r => r.Borrowing);
        foreach (var running in Snapshot.Running)
        {
            if (previous.TryGetValue(running.Job.Id, out var was) && was != running.Borrowing)
            {
                batch.Changes.Add(new BorrowingChanged(running.Job.Id, running.Borrowing));
            }
        }
    }

    private static string Target(JobId id) => $"job:{id}";

    private static AuditAppended Audit(DateTimeOffset at, string actor, string action, string target, object? before, object? after) =>
        new(new AuditEntry(
            at,
            actor,
            action,
            target,
            before is null ? null : JsonSerializer.Serialize(before, AuditJson),
            after is null ? null : JsonSerializer.Serialize(after, AuditJson)));
}
