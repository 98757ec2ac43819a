using System.Collections.Concurrent;
using Dashboard.Data.Slurm;
using Dashboard.Engine.Execution;
using Dashboard.Engine.Execution.Isolation;
using Dashboard.Scheduling.Model;
using Dashboard.Slurm.Inventory;
using Dashboard.Slurm.Rest;
using Microsoft.Extensions.Logging;

namespace Dashboard.Slurm.Execution;

/// <summary>
/// Runs the jobs the dashboard places on Slurm nodes through Slurm: each start is one batch job submitted through
/// slurmrestd as the owner's Unix user (a token minted for that user), pinned to the planned node by its node list. Its lifecycle is mirrored from the jobs slurmrestd lists (<see cref="MirrorAsync"/>, called
/// on every poll): an end becomes the dashboard job's exit with its exit code and a reason. A job Slurm keeps pending
/// longer than <see cref="SlurmOptions.PendingTimeout"/> is cancelled there and requeued in the dashboard. While Slurm
/// is unreachable nothing is given up: submits and cancels wait and are sent again when it answers.
/// </summary>
public sealed partial class SlurmExecutor(
    SlurmOptions options,
    SlurmRestClient rest,
    SlurmJobStore links,
    UnixUserMapping users,
    SlurmStatus status,
    string jobsRoot,
    IJobExitSink sink,
    TimeProvider time,
    ILogger<SlurmExecutor> logger) : IJobExecutor
{
    private readonly ConcurrentDictionary<JobId, TrackedJob> tracked = new();

    /// <summary>Nodes Slurm would not start a job on: the poller keeps new placements off them for a while.</summary>
    public NodeAvoidances Avoided { get; } = new();

    /// <summary>
    /// Per node, the GPUs the poller's view shows free beside every dashboard job (set before each mirror): a node is
    /// avoided only when the dashboard sees room there that Slurm would not give; where the dashboard sees the outside
    /// hold too, the requeued job is not placed there anyway.
    /// </summary>
    public IReadOnlyDictionary<string, int> FreeGpusSeen { get; set; } = new Dictionary<string, int>();

    /// <summary>The dashboard jobs this executor follows, with their Slurm job ids (null: not yet accepted by Slurm).</summary>
    public IReadOnlyDictionary<JobId, long?> Tracked => tracked.ToDictionary(t => t.Key, t => t.Value.SlurmJobId);

    /// <summary>
    /// Slurm nodes: their note says so once polled; before the first poll after a restart (a node's note is not
    /// stored), a node a job was sent to Slurm on.
    /// </summary>
    public bool Handles(Node node) => SlurmNodeView.IsSlurmNode(node) || (node is { Simulated: false, Note: null } && links.EverRanOn(node.Name));

    /// <summary>
    /// Returns at once: the submit (one REST call) runs beside the engine loop, so one batch's
    /// starts never wait on Slurm. A start Slurm refuses (or that has no Unix user) is reported as the job's exit.
    /// </summary>
    public Task StartAsync(JobLaunch launch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(launch);
        var job = new TrackedJob(launch, time.GetUtcNow());
        tracked[launch.Id] = job;
        _ = Task.Run(() => SubmitBesideTheLoopAsync(job, cancellationToken), CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task SubmitBesideTheLoopAsync(TrackedJob job, CancellationToken cancellationToken)
    {
        try
        {
            await SubmitAsync(job, cancellationToken).ConfigureAwait(false);
            await SendTimeLimitAsync(job, cancellationToken).ConfigureAwait(false);
            if (job.StopRequested && job.SlurmJobId is { } stopped)
            {
                await rest.CancelAsync(stopped, cancellationToken).ConfigureAwait(false);
                job.CancelSent = true;
            }
            else if (job.SlurmJobId is { } accepted)
            {
                await QuickLookAsync(job, accepted, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (SlurmUnreachableException error)
        {
            // Nothing is lost: the submit (or the cancel) is sent again at each poll until Slurm answers.
            job.NeedsSubmit = job.SlurmJobId is null;
            SlurmExecutorLog.SubmitDeferred(logger, job.Launch.Id, error.Message);
        }
        catch (Exception error) when (error is InvalidOperationException or SlurmRefusedException or IOException or UnauthorizedAccessException or System.ComponentModel.Win32Exception)
        {
            SlurmExecutorLog.StartFailed(logger, job.Launch.Id, error.Message);
            await EndAsync(job, new JobExit(job.Launch.Id, null, time.GetUtcNow(), "could not be started: " + error.Message)).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down: the restart re-adopts it (or submits it again when it never reached Slurm).
        }
    }

    public async Task StopAsync(JobId job, CancellationToken cancellationToken)
    {
        if (!tracked.TryGetValue(job, out var held))
        {
            return;
        }

        held.StopRequested = true;
        if (held.SlurmJobId is null)
        {
            // Waiting for Slurm to answer: it ends here. A submit in flight is cancelled by StartAsync once accepted.
            if (held.NeedsSubmit && tracked.TryRemove(job, out _))
            {
                await sink.JobExitedAsync(new JobExit(job, null, time.GetUtcNow(), "stopped before it reached Slurm")).ConfigureAwait(false);
            }

            return;
        }

        try
        {
            await rest.CancelAsync(held.SlurmJobId.Value, cancellationToken).ConfigureAwait(false);
            held.CancelSent = true;
        }
        catch (SlurmUnreachableException error)
        {
            SlurmExecutorLog.CancelDeferred(logger, job, error.Message);
        }
    }

    /// <summary>
    /// An extended walltime raises the Slurm job's time limit too (REST job update; walltime plus the backstop minute),
    /// beside the engine loop. Sent again at each poll until Slurm takes it (unreachable, or the submit still in flight).
    /// </summary>
    public Task WalltimeExtendedAsync(JobId job, TimeSpan walltime, CancellationToken cancellationToken)
    {
        if (!tracked.TryGetValue(job, out var held))
        {
            return Task.CompletedTask;
        }

        var spec = held.Launch.Job.Spec with { Walltime = walltime };
        held.Launch = held.Launch with { Job = held.Launch.Job with { Spec = spec } };
        held.TimeLimitToSend = SlurmJobScript.TimeLimitOf(walltime);
        _ = Task.Run(() => SendTimeLimitAsync(held, cancellationToken), CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task SendTimeLimitAsync(TrackedJob job, CancellationToken cancellationToken)
    {
        if (job.TimeLimitToSend is not { } minutes || job.SlurmJobId is not { } slurmId)
        {
            return;
        }

        try
        {
            await rest.UpdateTimeLimitAsync(slurmId, minutes, cancellationToken).ConfigureAwait(false);
            if (job.TimeLimitToSend == minutes)
            {
                job.TimeLimitToSend = null;
            }

            SlurmExecutorLog.TimeLimitSet(logger, job.Launch.Id, slurmId, minutes);
        }
        catch (SlurmUnreachableException error)
        {
            SlurmExecutorLog.TimeLimitDeferred(logger, job.Launch.Id, error.Message);
        }
        catch (SlurmRefusedException error)
        {
            // It ended meanwhile, or Slurm will not: the dashboard still ends it at its walltime.
            job.TimeLimitToSend = null;
            SlurmExecutorLog.TimeLimitRefused(logger, job.Launch.Id, error.Message);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down: the restart's adoption compares the limit again.
        }
    }

    public async Task<AdoptionOutcome> AdoptAsync(JobLaunch launch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(launch);
        var link = links.Find(launch.Id);
        var job = new TrackedJob(launch, link?.SubmittedAt ?? time.GetUtcNow()) { SlurmJobId = link?.SlurmJobId, NeedsSubmit = link is null };
        tracked[launch.Id] = job;
        if (job.SlurmJobId is not { } slurmId)
        {
            // It never reached Slurm before the restart: it is submitted at the next poll.
            return AdoptionOutcome.Adopted;
        }

        SlurmJob? found;
        try
        {
            found = await rest.JobAsync(slurmId, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception error) when (error is SlurmUnreachableException or SlurmRefusedException)
        {
            // Not "lost": the next poll that reaches Slurm says how it stands.
            SlurmExecutorLog.AdoptDeferred(logger, launch.Id, error.Message);
            return AdoptionOutcome.Adopted;
        }

        if (found is not null && SlurmJobStates.PhaseOf(found) != SlurmJobPhase.Ended)
        {
            // A walltime extended while the dashboard was down (or whose update never reached Slurm) is sent at the next poll.
            if (SlurmJobScript.TimeLimitOf(launch.Job.Spec.Walltime) is { } minutes && found.TimeLimit is { } limit && limit < minutes)
            {
                job.TimeLimitToSend = minutes;
            }

            return AdoptionOutcome.Adopted;
        }

        tracked.TryRemove(launch.Id, out _);
        var exit = found is null
            ? new JobExit(launch.Id, null, time.GetUtcNow(), $"ended while the dashboard was down; Slurm no longer remembers job {slurmId} (MinJobAge)")
            : SlurmJobStates.ExitOf(launch.Id, found, time.GetUtcNow());
        await sink.JobExitedAsync(exit).ConfigureAwait(false);
        return AdoptionOutcome.ExitedWhileDown;
    }

    /// <summary>
    /// One poll's view of Slurm's jobs: reports the ends of the jobs it follows, cancels those kept pending too long,
    /// and sends again the submits and cancels that found Slurm unreachable.
    /// </summary>
    public async Task MirrorAsync(IReadOnlyList<SlurmJob> jobs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        var byId = jobs.ToDictionary(j => j.JobId);
        var now = time.GetUtcNow();
        foreach (var (id, job) in tracked)
        {
            if (job.SlurmJobId is not { } slurmId)
            {
                // Only a submit that found Slurm unreachable is sent again (one in flight is left alone).
                if (job.NeedsSubmit && !job.StopRequested)
                {
                    job.NeedsSubmit = false;
                    await RetrySubmitAsync(job, cancellationToken).ConfigureAwait(false);
                }

                continue;
            }

            var slurm = byId.GetValueOrDefault(slurmId) ?? await rest.JobAsync(slurmId, cancellationToken).ConfigureAwait(false);
            if (slurm is null)
            {
                await EndAsync(job, new JobExit(id, null, now, $"Slurm no longer knows job {slurmId}")).ConfigureAwait(false);
                continue;
            }

            if (EndOf(job, slurm, now) is { } exit)
            {
                await EndAsync(job, exit).ConfigureAwait(false);
                continue;
            }

            switch (SlurmJobStates.PhaseOf(slurm))
            {
                case SlurmJobPhase.Waiting:
                    job.WaitingReason = slurm.StateReason;
                    if (now - job.SubmittedAt > options.PendingTimeout && job.CancelledForWaiting is null && !job.StopRequested)
                    {
                        var node = job.Launch.Allocation.Node;
                        var avoid = NodeAvoidances.IsAboutTheNode(slurm.StateReason)
                            && FreeGpusSeen.TryGetValue(node, out var free) && free >= job.Launch.Allocation.GpuIndices.Length;
                        if (avoid)
                        {
                            // Avoided from now: the polls before the cancelled job's end reaches the engine mark the node,
                            // so the plan that requeues it already sees the node Draining.
                            Avoided.Avoid(new NodeAvoidance(node, id, slurmId, slurm.StateReason ?? "pending", now + options.PendingTimeout));
                        }

                        job.CancelledForWaiting = $"Slurm kept it pending ({slurm.StateReason}) for more than {options.PendingTimeout.TotalSeconds:0} s; cancelled there and back in the dashboard's queue"
                            + (avoid
                                ? $"; {node} takes no new job from the dashboard until {(now + options.PendingTimeout).UtcDateTime:HH:mm:ss} UTC, so it is planned on another node or waits"
                                : NodeAvoidances.IsAboutTheNode(slurm.StateReason)
                                    ? $"; the dashboard sees what holds {node} too, so no node is avoided"
                                    : $"; Slurm's reason is a limit of its user, account or partition, not of {node}, so no node is avoided");
                        await rest.CancelAsync(slurmId, cancellationToken).ConfigureAwait(false);
                    }

                    break;
                case SlurmJobPhase.Running:
                    job.WaitingReason = null;
                    job.BoundGpus = GresText.BoundIndices(slurm.GresDetail);
                    break;
            }

            if (job.TimeLimitToSend is not null && tracked.ContainsKey(id))
            {
                await SendTimeLimitAsync(job, cancellationToken).ConfigureAwait(false);
            }

            if (job.StopRequested && !job.CancelSent && tracked.ContainsKey(id))
            {
                await rest.CancelAsync(slurmId, cancellationToken).ConfigureAwait(false);
                job.CancelSent = true;
            }
        }
    }

    /// <summary>How each job this executor follows stands in Slurm, as of the last poll: for the engine's corrections.</summary>
    public IReadOnlyList<SlurmRun> Runs =>
        [.. tracked.Select(t => new SlurmRun(t.Key, t.Value.Launch.Allocation.Node, t.Value.SlurmJobId, t.Value.WaitingReason, t.Value.BoundGpus))];

    /// <summary>Why Slurm keeps a started job waiting (its state reason); null when it runs or is not Slurm's.</summary>
    public string? WaitingReasonOf(JobId job) => tracked.TryGetValue(job, out var held) ? held.WaitingReason : null;

    /// <summary>The GPU indices Slurm bound for a job (its gres detail, IDX), once it runs.</summary>
    public IReadOnlyList<int>? BoundGpusOf(JobId job) => tracked.TryGetValue(job, out var held) ? held.BoundGpus : null;

    /// <summary>
    /// How a Slurm job that <paramref name="job"/> follows ends it, when it has ended: its end state, or (COMPLETING) an
    /// end that can be nothing else, taken at once since its room is free in Slurm already (the next wave need not wait
    /// for the epilog); a job cancelled for waiting too long goes back to the queue. Null while it waits or runs.
    /// </summary>
    private static JobExit? EndOf(TrackedJob job, SlurmJob slurm, DateTimeOffset now) => SlurmJobStates.PhaseOf(slurm) switch
    {
        SlurmJobPhase.Ended when job.CancelledForWaiting is { } waited => new JobExit(job.Launch.Id, null, now, waited, Requeue: true),
        SlurmJobPhase.Ended => SlurmJobStates.ExitOf(job.Launch.Id, slurm, now),
        SlurmJobPhase.Running when !job.StopRequested && job.CancelledForWaiting is null => SlurmJobStates.EndWhileCompletingOf(job.Launch.Id, slurm, now),
        _ => null,
    };

    /// <summary>Reports the end once: only while this very start is tracked (a quick look and a poll may both see it end).</summary>
    private async Task EndAsync(TrackedJob job, JobExit exit)
    {
        if (tracked.TryRemove(new KeyValuePair<JobId, TrackedJob>(job.Launch.Id, job)))
        {
            await sink.JobExitedAsync(exit).ConfigureAwait(false);
        }
    }

    private async Task RetrySubmitAsync(TrackedJob job, CancellationToken cancellationToken)
    {
        try
        {
            await SubmitAsync(job, cancellationToken).ConfigureAwait(false);
        }
        catch (SlurmUnreachableException)
        {
            job.NeedsSubmit = true;
            throw;
        }
        catch (Exception error) when (error is InvalidOperationException or SlurmRefusedException or IOException or UnauthorizedAccessException)
        {
            await EndAsync(job, new JobExit(job.Launch.Id, null, time.GetUtcNow(), "could not be started: " + error.Message)).ConfigureAwait(false);
        }
    }

    private async Task SubmitAsync(TrackedJob job, CancellationToken cancellationToken)
    {
        var launch = job.Launch;
        var account = users.Resolve(launch.Job.Spec.Owner);
        var folder = new JobWorkFolder(string.IsNullOrWhiteSpace(options.JobsFolder) ? jobsRoot : options.JobsFolder, launch.Id);
        folder.Create(account);
        var partition = PartitionOf(launch.Allocation.Node);
        var submission = SlurmJobScript.For(launch, partition, folder.Path, folder.LogPath);
        long slurmId;
        try
        {
            slurmId = await rest.SubmitAsync(submission, account.Name, cancellationToken).ConfigureAwait(false);
        }
        catch (SlurmRefusedException error)
        {
            throw new InvalidOperationException(error.Message, error);
        }

        job.SubmittedAt = time.GetUtcNow();
        links.Save(new SlurmJobLink(launch.Id, slurmId, launch.Allocation.Node, job.SubmittedAt));
        job.SlurmJobId = slurmId;
        SlurmExecutorLog.Submitted(logger, launch.Id, slurmId, launch.Allocation.Node, account.Name);
    }

    private string PartitionOf(string node)
    {
        var partitions = status.Nodes.TryGetValue(node, out var slurm) ? slurm.Partitions ?? [] : [];
        return options.Partitions.FirstOrDefault(partitions.Contains) ?? options.Partitions[0];
    }

    private sealed class TrackedJob(JobLaunch launch, DateTimeOffset submittedAt)
    {
        /// <summary>The launch, with its walltime as last extended.</summary>
        public JobLaunch Launch { get; set; } = launch;

        /// <summary>A time limit (minutes) Slurm has yet to take: an extension not yet sent, or that found Slurm unreachable.</summary>
        public int? TimeLimitToSend { get; set; }

        public DateTimeOffset SubmittedAt { get; set; } = submittedAt;

        public long? SlurmJobId { get; set; }

        public bool StopRequested { get; set; }

        /// <summary>Its submit found Slurm unreachable (or it never reached Slurm before a restart): the next poll sends it.</summary>
        public bool NeedsSubmit { get; set; }

        public bool CancelSent { get; set; }

        public string? CancelledForWaiting { get; set; }

        public string? WaitingReason { get; set; }

        public IReadOnlyList<int>? BoundGpus { get; set; }
    }
}

/// <summary>
/// A dashboard job as Slurm runs it: its node, its Slurm job (null until accepted), why Slurm keeps it pending (null
/// once it runs) and the GPU indices Slurm bound (null until it runs).
/// </summary>
public sealed record SlurmRun(JobId Job, string Node, long? SlurmJobId, string? WaitingReason, IReadOnlyList<int>? BoundGpus);

internal static partial class SlurmExecutorLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Job {Job} is Slurm job {SlurmJob} on {Node}, as Unix user {User}")]
    public static partial void Submitted(ILogger logger, JobId job, long slurmJob, string node, string user);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {Job} could not be submitted yet (Slurm unreachable); it is sent again when Slurm answers: {Reason}")]
    public static partial void SubmitDeferred(ILogger logger, JobId job, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {Job} could not be started in Slurm: {Reason}")]
    public static partial void StartFailed(ILogger logger, JobId job, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The cancel of job {Job} could not reach Slurm yet; it is sent again when Slurm answers: {Reason}")]
    public static partial void CancelDeferred(ILogger logger, JobId job, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {Job}'s walltime was extended: Slurm job {SlurmJob}'s time limit is now {Minutes} min")]
    public static partial void TimeLimitSet(ILogger logger, JobId job, long slurmJob, int minutes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {Job}'s new time limit could not reach Slurm yet; it is sent again when Slurm answers: {Reason}")]
    public static partial void TimeLimitDeferred(ILogger logger, JobId job, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slurm refused job {Job}'s new time limit (the dashboard still ends it at its walltime): {Reason}")]
    public static partial void TimeLimitRefused(ILogger logger, JobId job, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {Job} was adopted without asking Slurm (unreachable); the next poll says how it stands: {Reason}")]
    public static partial void AdoptDeferred(ILogger logger, JobId job, string reason);
}
