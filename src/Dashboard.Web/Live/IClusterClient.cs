using Dashboard.Engine.Feed;

namespace Dashboard.Web.Live;

/// <summary>What the cluster hub sends to its clients (the CLI's `dash watch`, dashboards of other tools).</summary>
public interface IClusterClient
{
    /// <summary>GPUs, CPU and memory used and free per node and in total, and pending/running counts; on connect and on change.</summary>
    Task Summary(ClusterSummary summary);

    Task JobChanged(JobChangeMessage change);

    Task NodeChanged(NodeChangeMessage change);
}

/// <summary>A job's state changed; when it started, where it runs (<see cref="Simulated"/>: on a demo node, nothing really runs).</summary>
public sealed record JobChangeMessage(long Job, string Owner, string Team, string From, string To, string? Reason, string? Node, IReadOnlyList<int>? GpuIndices, bool Simulated, DateTimeOffset At);

public sealed record NodeChangeMessage(string Node, string State, bool Simulated, int Gpus, string? Reason, DateTimeOffset At);
