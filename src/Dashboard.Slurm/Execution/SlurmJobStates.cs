using Dashboard.Engine.Execution;
using Dashboard.Scheduling.Model;
using Dashboard.Slurm.Rest;

namespace Dashboard.Slurm.Execution;

/// <summary>Where a Slurm job stands, as far as its dashboard job cares.</summary>
public enum SlurmJobPhase
{
    /// <summary>Pending in Slurm (held, waiting for room, being configured).</summary>
    Waiting,

    /// <summary>Running (or suspended, or finishing its epilog).</summary>
    Running,

    /// <summary>Ended; the exit says how.</summary>
    Ended,
}

/// <summary>
/// Slurm's job states as the dashboard's, with the exit code (Slurm's exit_code is a wait status: the code in its
/// high byte, a killing signal in its low bits, reported as 128 + signal) and a reason a person understands.
/// </summary>
public static class SlurmJobStates
{
    public static SlurmJobPhase PhaseOf(SlurmJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return job.JobState switch
        {
            "PENDING" or "REQUEUED" or "REQUEUE_HOLD" or "REQUEUE_FED" or "RESV_DEL_HOLD" => SlurmJobPhase.Waiting,
            "RUNNING" or "CONFIGURING" or "COMPLETING" or "SUSPENDED" or "STOPPED" or "RESIZING" or "SIGNALING" or "STAGE_OUT" => SlurmJobPhase.Running,
            _ => SlurmJobPhase.Ended,
        };
    }

    /// <summary>The exit code of a wait status: the code, or 128 + the signal that killed the job; null when there is none.</summary>
    public static int? ExitCodeOf(int? waitStatus) =>
        waitStatus is not { } status ? null
        : (status & 0x7f) != 0 ? 128 + (status & 0x7f)
        : (status >> 8) & 0xff;

    /// <summary>
    /// How an ended Slurm job ends its dashboard job. NODE_FAIL and PREEMPTED put it back in the dashboard's queue
    /// (<see cref="JobExit.Requeue"/>), as a preemption by the dashboard does.
    /// </summary>
    public static JobExit ExitOf(JobId job, SlurmJob slurm, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(slurm);
        var code = ExitCodeOf(slurm.ExitCode);
        var id = slurm.JobId;
        return slurm.JobState switch
        {
            "COMPLETED" => new JobExit(job, code ?? 0, at, code is null or 0 ? null : $"exited with code {code} (Slurm job {id})"),
            "FAILED" => new JobExit(job, code is null or 0 ? 1 : code, at, $"failed with exit code {code ?? 1} (Slurm job {id}{ReasonText(slurm)})"),
            "CANCELLED" => new JobExit(job, code, at, $"cancelled in Slurm (Slurm job {id})"),
            "TIMEOUT" or "DEADLINE" => new JobExit(job, code, at, $"walltime exceeded: Slurm ended job {id} at its time limit"),
            "OUT_OF_MEMORY" => new JobExit(job, code ?? 137, at, $"ran out of memory: Slurm ended job {id} at its memory limit"),
            "NODE_FAIL" => new JobExit(job, null, at, $"its node failed (Slurm job {id}); back in the queue", Requeue: true),
            "PREEMPTED" => new JobExit(job, null, at, $"preempted by Slurm (Slurm job {id}); back in the queue", Requeue: true),
            "BOOT_FAIL" => new JobExit(job, null, at, $"its node failed to boot (Slurm job {id})"),
            _ => new JobExit(job, code, at, $"ended in Slurm as {slurm.JobState} (Slurm job {id})"),
        };
    }

    /// <summary>
    /// The end of a job Slurm shows as COMPLETING: its script has ended and Slurm has released its cores, memory and
    /// GPUs (its epilog may still run), so its room is free now. Its final state hides behind COMPLETING, so only an end
    /// that can be nothing else is taken at once: the script exited by itself (no signal in the wait status) and Slurm
    /// gives no reason beyond a non-zero exit code, i.e. COMPLETED or FAILED. Anything else (a signal: cancelled,
    /// walltime, out of memory; a node failure) waits for the final state. Null when it is not such an end.
    /// </summary>
    public static JobExit? EndWhileCompletingOf(JobId job, SlurmJob slurm, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(slurm);
        if (slurm.JobState != "COMPLETING" || slurm.ExitCode is not { } status || (status & 0x7f) != 0
            || slurm.StateReason is not (null or "None" or "NonZeroExitCode"))
        {
            return null;
        }

        return ExitOf(job, slurm with { JobState = ExitCodeOf(status) == 0 ? "COMPLETED" : "FAILED" }, at);
    }

    private static string ReasonText(SlurmJob slurm) =>
        slurm.StateReason is { Length: > 0 } reason && reason != "None" && reason != "NonZeroExitCode" ? "; " + reason : string.Empty;
}
