using Dashboard.Scheduling.Model;

namespace Dashboard.Engine.Execution;

/// <summary>What an executor needs to run a job: the job, its exact allocation and its limits.</summary>
public sealed record JobLaunch(Job Job, GpuAllocation Allocation)
{
    public JobId Id => Job.Id;
}

/// <summary>
/// A job's workload ended. <see cref="ExitCode"/> is null when it was killed before it could report one.
/// <see cref="Requeue"/>: the job did not fail, its place did (a Slurm node failed, Slurm preempted it, or Slurm kept
/// it waiting too long): it goes back to the queue with its original submit time, as a preempted job does.
/// </summary>
public sealed record JobExit(JobId Job, int? ExitCode, DateTimeOffset At, string? Reason, bool Requeue = false);

/// <summary>What re-adopting a job that was running before the server restarted found.</summary>
public enum AdoptionOutcome
{
    /// <summary>Still running; its exit will be reported as usual.</summary>
    Adopted,

    /// <summary>It ended while the server was down; the exit is reported at once.</summary>
    ExitedWhileDown,

    /// <summary>Its process is gone without a trace of its exit.</summary>
    Lost,
}

/// <summary>Where executors report ended jobs (the engine loop).</summary>
public interface IJobExitSink
{
    ValueTask JobExitedAsync(JobExit exit);
}

/// <summary>Runs jobs on the nodes it handles. Executors never change cluster state: they report exits to the sink.</summary>
public interface IJobExecutor
{
    bool Handles(Node node);

    /// <summary>Starts the job's workload; returns once it has been launched.</summary>
    Task StartAsync(JobLaunch launch, CancellationToken cancellationToken);

    /// <summary>Asks the workload to stop (SIGTERM, then SIGKILL after the grace period); the exit is reported to the sink.</summary>
    Task StopAsync(JobId job, CancellationToken cancellationToken);

    /// <summary>
    /// Stops a job that was preempted (it goes back to its queue): like <see cref="StopAsync"/>, with the preemption
    /// grace period (DASHBOARD_PREEMPT_GRACE) between SIGTERM and SIGKILL where the executor has one.
    /// </summary>
    Task PreemptAsync(JobId job, CancellationToken cancellationToken) => StopAsync(job, cancellationToken);

    /// <summary>Takes over a job that was running before a restart.</summary>
    Task<AdoptionOutcome> AdoptAsync(JobLaunch launch, CancellationToken cancellationToken);

    /// <summary>
    /// A running job's walltime was extended (committed) to <paramref name="walltime"/>: an executor whose backend keeps
    /// its own time limit (Slurm) raises it too. The engine itself ends jobs at their walltime, so by default nothing
    /// is to be done.
    /// </summary>
    Task WalltimeExtendedAsync(JobId job, TimeSpan walltime, CancellationToken cancellationToken) => Task.CompletedTask;
}
