namespace Dashboard.Data.Notifications;

/// <summary>What a notification tells its recipient about; each person turns each kind on or off per channel.</summary>
public enum NotificationKind
{
    JobStarted,
    JobSucceeded,
    JobFailed,
    JobCancelled,
    JobTimedOut,
    JobPreempted,
    JobWaitingLong,
    SweepFinished,

    /// <summary>The idle policy warned about (or stopped, or flagged) a session or job holding GPUs idle.</summary>
    SessionIdle,
}

/// <summary>Where a notification goes: the bell in the dashboard, an email, a webhook POST.</summary>
public enum NotificationChannel
{
    Dashboard,
    Email,
    Webhook,
}

/// <summary>The stored names of kinds and channels (text in SQLite, the API and the webhook body) and how a person reads them.</summary>
public static class NotificationNames
{
    public static IReadOnlyList<NotificationKind> Kinds { get; } = Enum.GetValues<NotificationKind>();

    public static IReadOnlyList<NotificationChannel> Channels { get; } = Enum.GetValues<NotificationChannel>();

    public static string Of(NotificationKind kind) => kind switch
    {
        NotificationKind.JobStarted => "job.started",
        NotificationKind.JobSucceeded => "job.succeeded",
        NotificationKind.JobFailed => "job.failed",
        NotificationKind.JobCancelled => "job.cancelled",
        NotificationKind.JobTimedOut => "job.timed-out",
        NotificationKind.JobPreempted => "job.preempted",
        NotificationKind.JobWaitingLong => "job.waiting-long",
        NotificationKind.SweepFinished => "sweep.finished",
        NotificationKind.SessionIdle => "session.idle",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    public static string Of(NotificationChannel channel) => channel switch
    {
        NotificationChannel.Dashboard => "dashboard",
        NotificationChannel.Email => "email",
        NotificationChannel.Webhook => "webhook",
        _ => throw new ArgumentOutOfRangeException(nameof(channel), channel, null),
    };

    public static NotificationKind? KindNamed(string? name) => Kinds.Cast<NotificationKind?>().FirstOrDefault(k => Of(k!.Value) == name);

    public static NotificationChannel? ChannelNamed(string? name) => Channels.Cast<NotificationChannel?>().FirstOrDefault(c => Of(c!.Value) == name);

    /// <summary>How the preferences page and the API describe a kind.</summary>
    public static string Describe(NotificationKind kind) => kind switch
    {
        NotificationKind.JobStarted => "A job of mine started",
        NotificationKind.JobSucceeded => "A job of mine succeeded",
        NotificationKind.JobFailed => "A job of mine failed",
        NotificationKind.JobCancelled => "A job of mine was cancelled",
        NotificationKind.JobTimedOut => "A job of mine reached its walltime",
        NotificationKind.JobPreempted => "A job of mine was preempted",
        NotificationKind.JobWaitingLong => "A job of mine has waited longer than my threshold",
        NotificationKind.SweepFinished => "A sweep of mine finished",
        NotificationKind.SessionIdle => "A session of mine sits idle: warned before it is stopped (and stopped, or a batch job flagged)",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
