using System.Collections.Immutable;
using System.Globalization;
using Dashboard.Data.Notifications;
using Dashboard.Engine.Loop;

namespace Dashboard.Engine.Notifications;

/// <summary>
/// One notification into the outbox, routed to the channels its recipient chose for its kind (the bell, email, each
/// webhook): a <see cref="NotificationQueued"/> change in the engine's batch, so it commits with the state it tells of.
/// </summary>
internal static class OutboxRouting
{
    /// <summary>Queues the notification; false (nothing written) when its recipient wants this kind on no channel.</summary>
    public static bool TryQueue(NotificationDirectory directory, NewNotification notification, EngineBatch batch)
    {
        var wants = directory.For(notification.Recipient);
        var deliveries = ImmutableArray.CreateBuilder<OutboxDelivery>();
        if (wants.Wants(notification.Kind, NotificationChannel.Email) && !string.IsNullOrEmpty(wants.Email))
        {
            deliveries.Add(new OutboxDelivery(NotificationChannel.Email, wants.Email));
        }

        if (wants.Wants(notification.Kind, NotificationChannel.Webhook))
        {
            deliveries.AddRange(wants.Webhooks.Select(w => new OutboxDelivery(NotificationChannel.Webhook, w.Id.ToString(CultureInfo.InvariantCulture))));
        }

        var inDashboard = wants.Wants(notification.Kind, NotificationChannel.Dashboard);
        if (!inDashboard && deliveries.Count == 0)
        {
            return false;
        }

        batch.Changes.Add(new NotificationQueued(notification with { InDashboard = inDashboard }, deliveries.ToImmutable()));
        return true;
    }
}
