using System.Collections.Immutable;
using Dashboard.Data.Writing;

namespace Dashboard.Data.Notifications;

/// <summary>
/// A notification as the engine makes it. <see cref="EventKey"/> names the event it tells of (e.g. <c>job:42:ended</c>):
/// an event already recorded is not recorded again. <see cref="Link"/> is absolute (the PublicUrl setting).
/// </summary>
public sealed record NewNotification(
    string EventKey,
    string Recipient,
    NotificationKind Kind,
    long? Job,
    string Title,
    string Body,
    string Link,
    DateTimeOffset CreatedAt,
    bool InDashboard);

/// <summary>One delivery to make outside the dashboard: an email to an address, or a POST to a webhook (by id).</summary>
public sealed record OutboxDelivery(NotificationChannel Channel, string Target)
{
    /// <summary>The key that makes this delivery unique: the event, the channel and its target.</summary>
    public string IdempotencyKey(string eventKey) => $"{eventKey}/{NotificationNames.Of(Channel)}:{Target}";
}

/// <summary>A notification with its deliveries, written in the transaction of the state change that caused it.</summary>
public sealed record NotificationQueued(NewNotification Notification, ImmutableArray<OutboxDelivery> Deliveries) : ClusterChange;
