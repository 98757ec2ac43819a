using Dashboard.Scheduling.Model;

namespace Dashboard.Slurm.Inventory;

/// <summary>
/// A Slurm node's state as the dashboard's: idle, mixed, allocated (and completing) are Ready; any drain (drained or
/// draining) is Draining; down, fail, not responding, powered down, future and unknown are Down.
/// </summary>
public static class SlurmNodeStates
{
    private static readonly string[] DownFlags = ["NOT_RESPONDING", "FAIL", "POWERED_DOWN", "POWER_DOWN", "POWERING_DOWN", "REBOOT_ISSUED", "INVALID_REG"];

    public static NodeState Of(string? state, IEnumerable<string>? flags)
    {
        var flagSet = (flags ?? []).Select(f => f.ToUpperInvariant()).ToHashSet(StringComparer.Ordinal);
        var baseState = (state ?? "unknown").ToUpperInvariant();
        if (baseState is "DOWN" or "FAIL" or "FAILING" or "ERROR" or "FUTURE" or "UNKNOWN" || DownFlags.Any(flagSet.Contains))
        {
            return NodeState.Down;
        }

        if (flagSet.Contains("DRAIN") || baseState is "DRAINED" or "DRAINING" or "DRAIN")
        {
            return NodeState.Draining;
        }

        return NodeState.Ready;
    }

    /// <summary>"idle", "mixed+DRAIN": the state as Slurm says it, for a node's card.</summary>
    public static string Describe(string? state, IEnumerable<string>? flags) =>
        string.Join("+", new[] { state ?? "unknown" }.Concat(flags ?? []));
}
