using System.Collections.Immutable;
using Dashboard.Engine.Feed;

namespace Dashboard.Engine.Notifications;

/// <summary>The people who have new notifications from one batch (published after it committed): their bells count again.</summary>
public sealed record NotificationsQueuedEvent(ImmutableArray<string> Recipients, DateTimeOffset At) : ClusterEvent(At);
