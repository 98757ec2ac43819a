using Dashboard.Scheduling.Model;

namespace Dashboard.Engine.Sessions;

/// <summary>What the idle watch remembers of one running job between samples.</summary>
public sealed record IdleState(DateTimeOffset LastActive, DateTimeOffset? WarnedAt, bool Flagged, bool Stopped);

/// <summary>What one GPU of a job showed at a sample; <see cref="Simulated"/> for a demo node's made-up reading.</summary>
public sealed record JobGpuReading(int Index, double UtilisationPct, long MemoryUsedMiB, bool Simulated);

/// <summary>What the idle policy decided about one job at one sample.</summary>
public enum IdleVerdict
{
    Active,
    Idle,
    Warn,
    Flag,
    Stop,
}

/// <summary>
/// The idle policy as a pure rule: a job is active at a sample when any of its GPUs is at or above the policy's
/// utilisation (or, for a session, its owner's browser sent something through the proxy since the last sample);
/// otherwise idle since it was last active. After <see cref="IdlePolicyOptions.IdleMinutes"/> idle the owner is
/// warned (a session, or a batch job the policy stops) or the job is flagged (other batch jobs); a warned job still
/// idle <see cref="IdlePolicyOptions.GraceMinutes"/> later is stopped. Any activity clears the warning.
/// </summary>
public static class IdleRule
{
    public static (IdleVerdict Verdict, IdleState State) Judge(
        IdleState state, IdlePolicyOptions policy, bool session, IReadOnlyList<JobGpuReading> gpus, DateTimeOffset? lastTraffic, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(gpus);
        var busy = gpus.Any(g => g.UtilisationPct >= policy.UtilisationPercent);
        var lastActive = busy ? now : state.LastActive;
        if (session && lastTraffic is { } traffic && traffic > lastActive)
        {
            lastActive = traffic;
        }

        if (lastActive > state.LastActive || busy)
        {
            return (IdleVerdict.Active, new IdleState(lastActive, null, false, false));
        }

        if (!policy.Enabled || state.Stopped)
        {
            return (IdleVerdict.Idle, state);
        }

        var idleFor = now - lastActive;
        var stops = session || policy.StopBatchJobs;
        if (!stops)
        {
            return idleFor >= TimeSpan.FromMinutes(policy.IdleMinutes) && !state.Flagged
                ? (IdleVerdict.Flag, state with { Flagged = true })
                : (IdleVerdict.Idle, state);
        }

        if (state.WarnedAt is { } warned && now - warned >= TimeSpan.FromMinutes(policy.GraceMinutes))
        {
            return (IdleVerdict.Stop, state with { Stopped = true });
        }

        return state.WarnedAt is null && idleFor >= TimeSpan.FromMinutes(policy.IdleMinutes)
            ? (IdleVerdict.Warn, state with { WarnedAt = now })
            : (IdleVerdict.Idle, state);
    }

    /// <summary>The words the owner reads.</summary>
    public static string Message(IdleVerdict verdict, JobId job, bool session, int gpus, TimeSpan idleFor, IdlePolicyOptions policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var what = session ? $"Your session {job}" : $"Your job {job}";
        var holds = gpus == 0 ? "has been idle" : $"holds {gpus} GPU{(gpus == 1 ? "" : "s")} idle";
        var minutes = $"{Math.Floor(idleFor.TotalMinutes):0} min";
        return verdict switch
        {
            IdleVerdict.Warn => $"{what} {holds} for {minutes}; it stops in {policy.GraceMinutes:0} min unless you use it.",
            IdleVerdict.Stop => $"{what} {holds} for {minutes} and was stopped by the idle policy; its folder is kept.",
            _ => $"{what} {holds} for {minutes} (below {policy.UtilisationPercent:0.#}% utilisation). It is not stopped; please end it if it is done.",
        };
    }
}
