using Dashboard.Slurm.Rest;

namespace Dashboard.Slurm;

/// <summary>Whether Slurm answered the last poll, and what it last said: for readiness, logs and node notes.</summary>
public sealed class SlurmStatus
{
    private readonly Lock gate = new();
    private (bool Reachable, string? Problem, DateTimeOffset? Since, string? Release, IReadOnlyDictionary<string, SlurmNode> Nodes) current =
        (true, null, null, null, new Dictionary<string, SlurmNode>(StringComparer.Ordinal));

    /// <summary>False after a poll failed, until one succeeds.</summary>
    public bool Reachable { get { lock (gate) { return current.Reachable; } } }

    /// <summary>Why the last poll failed; null while Slurm answers.</summary>
    public string? Problem { get { lock (gate) { return current.Problem; } } }

    /// <summary>Since when Slurm has not answered.</summary>
    public DateTimeOffset? UnreachableSince { get { lock (gate) { return current.Since; } } }

    /// <summary>The Slurm release slurmrestd reports (e.g. 22.05.8); null before the first answer.</summary>
    public string? Release { get { lock (gate) { return current.Release; } } }

    /// <summary>The managed nodes as Slurm last described them, by name.</summary>
    public IReadOnlyDictionary<string, SlurmNode> Nodes { get { lock (gate) { return current.Nodes; } } }

    /// <summary>Raised (on the poller's thread) when Slurm stops or starts answering: the shell's banner follows it.</summary>
    public event Action? ReachabilityChanged;

    public void Answered(string? release, IReadOnlyDictionary<string, SlurmNode> nodes)
    {
        bool changed;
        lock (gate)
        {
            changed = !current.Reachable;
            current = (true, null, null, release ?? current.Release, nodes);
        }

        if (changed)
        {
            ReachabilityChanged?.Invoke();
        }
    }

    public void Failed(string problem, DateTimeOffset at)
    {
        bool changed;
        lock (gate)
        {
            changed = current.Reachable;
            current = (false, problem, current.Since ?? at, current.Release, current.Nodes);
        }

        if (changed)
        {
            ReachabilityChanged?.Invoke();
        }
    }
}
