using System.Globalization;

namespace Dashboard.Api.Contracts;

/// <summary>The notification API's paths (under <see cref="ApiRoutes.Prefix"/>).</summary>
public static class NotificationRoutes
{
    public const string Notifications = ApiRoutes.Prefix + "/notifications";

    public const string Read = Notifications + "/read";

    public const string Preferences = Notifications + "/preferences";

    public const string Webhooks = Notifications + "/webhooks";

    public static string Webhook(long id) => Webhooks + "/" + id.ToString(CultureInfo.InvariantCulture);

    public static string WebhookTest(long id) => Webhook(id) + "/test";
}

/// <summary>One of the caller's notifications. <see cref="Kind"/>: job.started, job.succeeded, job.failed, job.cancelled, job.timed-out, job.preempted, job.waiting-long, sweep.finished.</summary>
public sealed record NotificationView(long Id, string Kind, long? Job, string Title, string Body, string Link, DateTimeOffset CreatedAt, bool Read);

/// <summary>The caller's notifications, newest first, and how many are unread in all.</summary>
public sealed record NotificationListView(int Unread, IReadOnlyList<NotificationView> Items);

/// <summary>Marks the caller's notifications with these ids as read, or all of them.</summary>
public sealed record MarkNotificationsReadRequest(IReadOnlyList<long>? Ids, bool All = false);

public sealed record MarkedReadView(int Marked, int Unread);

/// <summary>One kind of notification and where it goes.</summary>
public sealed record NotificationChoiceView(string Kind, string Description, bool Dashboard, bool Email, bool Webhook);

/// <summary>A webhook of the caller's (never its secret) and, when its deliveries fail, the last error and the next try.</summary>
public sealed record NotificationWebhookView(long Id, string Url, DateTimeOffset CreatedAt, string? LastError, DateTimeOffset? NextAttemptAt, bool GivenUp);

/// <summary>
/// The caller's notification preferences. <see cref="WaitingMinutes"/>: a waiting job is reported after this long (0:
/// never). <see cref="EmailAvailable"/>: whether this server sends email at all. <see cref="EmailLastError"/>: the last
/// failed email delivery, while it is not overcome.
/// </summary>
public sealed record NotificationPreferencesView(
    string? Email,
    int WaitingMinutes,
    bool EmailAvailable,
    string? EmailLastError,
    IReadOnlyList<NotificationChoiceView> Choices,
    IReadOnlyList<NotificationWebhookView> Webhooks);

/// <summary>What to change: every field left out (null) stays as it is; <see cref="Email"/> "" removes the address.</summary>
public sealed record NotificationPreferencesUpdate(string? Email, int? WaitingMinutes, IReadOnlyList<NotificationChoiceView>? Choices);

public sealed record NewWebhookRequest(string? Url);

/// <summary>A webhook just registered: <see cref="Secret"/> signs its POSTs and is shown this once.</summary>
public sealed record CreatedWebhookView(long Id, string Url, string Secret);

/// <summary>
/// A test POST sent to one of the caller's webhooks: whether the endpoint took it (a 2xx answer) and, when not, why
/// (its answer, the network's error, or this server's refusal of the address).
/// </summary>
public sealed record WebhookTestView(long Id, bool Delivered, string Detail);
