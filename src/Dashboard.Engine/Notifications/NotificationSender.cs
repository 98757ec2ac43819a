using Dashboard.Data.Notifications;

namespace Dashboard.Engine.Notifications;

/// <summary>Sends one outbox delivery over its channel; throws when it did not get through.</summary>
public interface INotificationSender
{
    NotificationChannel Channel { get; }

    Task SendAsync(OutboxMessage message, CancellationToken cancellationToken);
}

/// <summary>A delivery that no retry can make (its webhook was removed, its URL is no longer allowed): it is given up at once.</summary>
public sealed class UndeliverableException(string message) : Exception(message);
