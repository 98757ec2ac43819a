using Dashboard.Data.Writing;
using Microsoft.Data.Sqlite;

namespace Dashboard.Data.Notifications;

/// <summary>
/// The engine's side of the notifications: each <see cref="NotificationQueued"/> becomes a notifications row and its
/// outbox rows, in the batch's transaction. An event (or delivery) already stored is left as it is (its key is unique).
/// </summary>
internal sealed class NotificationWrites : StatementGroup
{
    private const string InsertSql = """
        INSERT INTO notifications (event_key, recipient, kind, job_id, title, body, link, created_at, in_dashboard)
        VALUES ($event_key, $recipient, $kind, $job_id, $title, $body, $link, $created_at, $in_dashboard)
        ON CONFLICT (event_key) DO NOTHING
        """;

    private const string EnqueueSql = """
        INSERT INTO notification_outbox (notification_id, channel, target, idempotency_key, next_attempt_at)
        SELECT id, $channel, $target, $idempotency_key, $next_attempt_at FROM notifications WHERE event_key = $event_key
        ON CONFLICT (idempotency_key) DO NOTHING
        """;

    private readonly PreparedStatement insert;
    private readonly PreparedStatement enqueue;

    public NotificationWrites(SqliteConnection connection)
        : base(connection)
    {
        insert = Prepare(InsertSql, "$event_key", "$recipient", "$kind", "$job_id", "$title", "$body", "$link", "$created_at", "$in_dashboard");
        enqueue = Prepare(EnqueueSql, "$channel", "$target", "$idempotency_key", "$next_attempt_at", "$event_key");
    }

    public void Queue(NotificationQueued queued)
    {
        var n = queued.Notification;
        var inserted = insert.Bind("$event_key", n.EventKey)
            .Bind("$recipient", n.Recipient)
            .Bind("$kind", NotificationNames.Of(n.Kind))
            .Bind("$job_id", n.Job)
            .Bind("$title", n.Title)
            .Bind("$body", n.Body)
            .Bind("$link", n.Link)
            .Bind("$created_at", UtcTimestamp.ToStored(n.CreatedAt))
            .Bind("$in_dashboard", n.InDashboard)
            .Run();
        if (inserted == 0)
        {
            return;
        }

        foreach (var delivery in queued.Deliveries)
        {
            enqueue.Bind("$channel", NotificationNames.Of(delivery.Channel))
                .Bind("$target", delivery.Target)
                .Bind("$idempotency_key", delivery.IdempotencyKey(n.EventKey))
                .Bind("$next_attempt_at", UtcTimestamp.ToStored(n.CreatedAt))
                .Bind("$event_key", n.EventKey)
                .Run();
        }
    }
}
