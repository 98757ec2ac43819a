using System.Collections.Concurrent;
using System.Globalization;
using Dashboard.Scheduling.Model;

namespace Dashboard.Slurm.Execution;

/// <summary>
/// A node Slurm would not start a dashboard job on (it kept it pending past the limit): until <see cref="Until"/> the
/// dashboard places nothing new there (the node is Draining in the dashboard, not in Slurm), so the requeued job is
/// planned on another node or waits, instead of being sent to the same node again and again.
/// </summary>
public sealed record NodeAvoidance(string Node, JobId Job, long SlurmJobId, string Reason, DateTimeOffset Until)
{
    /// <summary>What the node's state reason says meanwhile.</summary>
    public string Describe() =>
        $"would not start dashboard job {Job} (Slurm job {SlurmJobId.ToString(CultureInfo.InvariantCulture)}) here ({Reason}); nothing new is placed here until {Until.UtcDateTime:HH:mm:ss} UTC";
}

/// <summary>The nodes avoided after a job was kept pending too long, each until its time; shared by the executor and the poller.</summary>
public sealed class NodeAvoidances
{
    // Slurm's reasons that are about the job's user, account, QOS or partition, or the job itself: any node would do the same.
    private static readonly string[] NotAboutTheNode = ["Assoc", "QOS", "MaxJob", "MaxCpu", "MaxGRES", "MaxMem", "MaxNode", "MaxWall", "JobHeld", "Dependency", "BeginTime", "Licenses", "Partition", "InvalidAccount", "InvalidQOS", "AccountNotAllowed"];

    private readonly ConcurrentDictionary<string, NodeAvoidance> byNode = new(StringComparer.Ordinal);

    /// <summary>Whether Slurm's pending reason says something about the node (then avoiding it helps).</summary>
    public static bool IsAboutTheNode(string? reason) =>
        reason is { Length: > 0 } && !NotAboutTheNode.Any(p => reason.StartsWith(p, StringComparison.Ordinal));

    public void Avoid(NodeAvoidance avoidance)
    {
        ArgumentNullException.ThrowIfNull(avoidance);
        byNode[avoidance.Node] = avoidance;
    }

    /// <summary>Ends the avoidance of <paramref name="node"/> now (an admin resumed the node in the dashboard); false when there was none.</summary>
    public bool End(string node) => byNode.TryRemove(node, out _);

    /// <summary>The avoidance of <paramref name="node"/> still in force at <paramref name="now"/>; null when none (an ended one is forgotten).</summary>
    public NodeAvoidance? Of(string node, DateTimeOffset now)
    {
        if (!byNode.TryGetValue(node, out var avoidance))
        {
            return null;
        }

        if (avoidance.Until > now)
        {
            return avoidance;
        }

        byNode.TryRemove(new KeyValuePair<string, NodeAvoidance>(node, avoidance));
        return null;
    }
}
