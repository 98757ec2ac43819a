using Dashboard.Data.Writing;
using Dashboard.Engine.Execution;
using Dashboard.Engine.Feed;
using Dashboard.Scheduling.Model;

namespace Dashboard.Engine.Loop;

/// <summary>What one batch of commands produced: the changes to commit, the events to publish, and the work for executors.</summary>
internal sealed class EngineBatch(DateTimeOffset now)
{
    public DateTimeOffset Now { get; } = now;

    public List<ClusterChange> Changes { get; } = [];

    public List<ClusterEvent> Events { get; } = [];

    public List<JobLaunch> Launches { get; } = [];

    public List<JobId> Stops { get; } = [];

    /// <summary>Running jobs whose walltime was extended in this batch, with their new walltime, for their executors.</summary>
    public List<(JobId Job, TimeSpan Walltime)> Extensions { get; } = [];

    public List<(EngineCommand Command, CommandResult Result)> Answers { get; } = [];

    /// <summary>Elastic pool provider calls to hand out once the batch committed.</summary>
    public List<Elastic.ElasticCall> ElasticCalls { get; } = [];

    /// <summary>Whether a participant's status (an elastic pool's, say) changed: published even when nothing else did.</summary>
    public bool StatusChanged { get; set; }

    /// <summary>Whether anything happened that a new scheduling pass could act on.</summary>
    public bool NeedsPlan { get; set; }
}
