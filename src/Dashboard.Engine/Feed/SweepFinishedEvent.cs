namespace Dashboard.Engine.Feed;

/// <summary>
/// The last job of a sweep ended (in the batch that ended it): how its jobs ended. Notifications observe this to tell
/// the sweep's owner "sweep finished".
/// </summary>
public sealed record SweepFinishedEvent(long Sweep, string Name, string Owner, string Team, int Size, int Succeeded, int Failed, int Cancelled, DateTimeOffset At)
    : ClusterEvent(At);
