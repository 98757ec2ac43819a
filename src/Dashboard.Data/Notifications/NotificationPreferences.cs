using System.Collections.Immutable;

namespace Dashboard.Data.Notifications;

/// <summary>A webhook a person registered: its URL and the secret that signs each POST (HMAC-SHA256).</summary>
public sealed record NotificationWebhook(long Id, string Url, string Secret, DateTimeOffset CreatedAt);

/// <summary>
/// What one person wants to be told and where: each (kind, channel) on or off, their email address, how long a job of
/// theirs may wait before they hear about it, and their webhooks. A choice never made is <see cref="IsOnByDefault"/>:
/// the bell for every kind, email and webhooks for nothing until the person turns them on.
/// </summary>
public sealed record NotificationPreferences(
    string User,
    ImmutableDictionary<(NotificationKind Kind, NotificationChannel Channel), bool> Choices,
    string? Email,
    TimeSpan WaitingThreshold,
    ImmutableArray<NotificationWebhook> Webhooks)
{
    /// <summary>How long a job waits before its owner hears about it, unless they chose otherwise (zero: never).</summary>
    public static readonly TimeSpan DefaultWaitingThreshold = TimeSpan.FromHours(1);

    public static NotificationPreferences DefaultFor(string user) =>
        new(user, ImmutableDictionary<(NotificationKind, NotificationChannel), bool>.Empty, null, DefaultWaitingThreshold, []);

    public static bool IsOnByDefault(NotificationKind kind, NotificationChannel channel) => channel == NotificationChannel.Dashboard;

    public bool Wants(NotificationKind kind, NotificationChannel channel) =>
        Choices.TryGetValue((kind, channel), out var on) ? on : IsOnByDefault(kind, channel);

    /// <summary>Whether the person hears of this kind anywhere (where it goes is decided per channel).</summary>
    public bool WantsAnywhere(NotificationKind kind) => NotificationNames.Channels.Any(c => Wants(kind, c));
}
