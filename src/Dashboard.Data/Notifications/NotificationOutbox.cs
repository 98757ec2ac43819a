using Dapper;

namespace Dashboard.Data.Notifications;

/// <summary>
/// One delivery due to be sent, with what it tells. For a webhook, <see cref="WebhookUrl"/> and
/// <see cref="WebhookSecret"/> are the endpoint's now (null when its owner removed it).
/// </summary>
public sealed record OutboxMessage(
    long Id,
    NotificationChannel Channel,
    string Target,
    string IdempotencyKey,
    int Attempts,
    string Recipient,
    NotificationKind Kind,
    long? Job,
    string Title,
    string Body,
    string Link,
    DateTimeOffset CreatedAt,
    string? WebhookUrl,
    string? WebhookSecret);

/// <summary>How a person's email or webhook deliveries stand: the last failure not yet overcome, and when it is tried next.</summary>
public sealed record EndpointStatus(NotificationChannel Channel, string Target, string LastError, int Attempts, DateTimeOffset? NextAttemptAt, bool GivenUp);

/// <summary>
/// The delivery side of the notifications (table <c>notification_outbox</c>): the due deliveries, and marking each
/// delivered once or failed with its next attempt. Used by the delivery worker only, off the engine's writer.
/// </summary>
public sealed class NotificationOutbox(Database database)
{
    private const string DueSql = """
        SELECT o.id AS Id, o.channel AS Channel, o.target AS Target, o.idempotency_key AS IdempotencyKey, o.attempts AS Attempts,
               n.recipient AS Recipient, n.kind AS Kind, n.job_id AS Job, n.title AS Title, n.body AS Body, n.link AS Link,
               n.created_at AS CreatedAt, w.url AS WebhookUrl, w.secret AS WebhookSecret
        FROM notification_outbox o
        JOIN notifications n ON n.id = o.notification_id
        LEFT JOIN notification_webhooks w ON o.channel = 'webhook' AND w.id = CAST(o.target AS INTEGER) AND w.removed_at IS NULL
        WHERE o.delivered_at IS NULL AND o.given_up_at IS NULL AND o.next_attempt_at <= $now
        ORDER BY o.next_attempt_at, o.id
        LIMIT $limit
        """;

    private const string NextDueSql = "SELECT min(next_attempt_at) FROM notification_outbox WHERE delivered_at IS NULL AND given_up_at IS NULL";

    private const string DeliveredSql = "UPDATE notification_outbox SET delivered_at = $at, attempts = attempts + 1, last_error = NULL WHERE id = $id AND delivered_at IS NULL";

    private const string FailedSql = """
        UPDATE notification_outbox SET attempts = attempts + 1, last_error = $error, next_attempt_at = $next, given_up_at = $givenUp
        WHERE id = $id AND delivered_at IS NULL
        """;

    private const string StatusSql = """
        SELECT o.channel AS Channel, o.target AS Target, o.last_error AS LastError, o.attempts AS Attempts,
               o.next_attempt_at AS NextAttemptAt, o.given_up_at AS GivenUpAt
        FROM notification_outbox o JOIN notifications n ON n.id = o.notification_id
        WHERE n.recipient = $recipient AND o.last_error IS NOT NULL AND o.delivered_at IS NULL
        ORDER BY o.id DESC LIMIT 50
        """;

    private const string CountsSql = """
        SELECT count(*) FILTER (WHERE delivered_at IS NOT NULL), count(*) FILTER (WHERE delivered_at IS NULL AND given_up_at IS NULL)
        FROM notification_outbox
        """;

    /// <summary>Deliveries due at <paramref name="now"/>, the longest due first.</summary>
    public IReadOnlyList<OutboxMessage> Due(DateTimeOffset now, int limit)
    {
        using var connection = database.OpenConnection();
        return [.. connection.Query<MessageRow>(DueSql, new { now, limit }).Select(r => r.ToMessage())];
    }

    /// <summary>When the next delivery is due (null when none is waiting).</summary>
    public DateTimeOffset? NextDue()
    {
        using var connection = database.OpenConnection();
        var next = connection.ExecuteScalar<long?>(NextDueSql);
        return next is { } at ? UtcTimestamp.FromStored(at) : null;
    }

    /// <summary>Marks a delivery done; false when it was already marked (nothing changes then).</summary>
    public bool MarkDelivered(long id, DateTimeOffset at)
    {
        using var connection = database.OpenConnection();
        return connection.Execute(DeliveredSql, new { id, at }) == 1;
    }

    /// <summary>Records a failed attempt: its error, and the next attempt's time, or that it was given up.</summary>
    public void MarkFailed(long id, string error, DateTimeOffset? nextAttempt, DateTimeOffset at)
    {
        using var connection = database.OpenConnection();
        connection.Execute(FailedSql, new { id, error, next = nextAttempt ?? at, givenUp = nextAttempt is null ? at : (DateTimeOffset?)null });
    }

    /// <summary>The failing deliveries of <paramref name="recipient"/>'s endpoints, newest first, one per endpoint.</summary>
    public IReadOnlyList<EndpointStatus> FailingEndpointsOf(string recipient)
    {
        using var connection = database.OpenConnection();
        return [.. connection.Query<StatusRow>(StatusSql, new { recipient })
            .DistinctBy(r => (r.Channel, r.Target))
            .Select(r => new EndpointStatus(
                NotificationNames.ChannelNamed(r.Channel) ?? NotificationChannel.Email, r.Target, r.LastError, (int)r.Attempts,
                r.GivenUpAt is null ? r.NextAttemptAt : null, r.GivenUpAt is not null))];
    }

    /// <summary>How many deliveries were made and how many wait (for metrics and tests).</summary>
    public (long Delivered, long Waiting) Counts()
    {
        using var connection = database.OpenConnection();
        var (delivered, waiting) = connection.QuerySingle<(long, long)>(CountsSql);
        return (delivered, waiting);
    }

    private sealed class MessageRow
    {
        public long Id { get; set; }

        public string Channel { get; set; } = "";

        public string Target { get; set; } = "";

        public string IdempotencyKey { get; set; } = "";

        public long Attempts { get; set; }

        public string Recipient { get; set; } = "";

        public string Kind { get; set; } = "";

        public long? Job { get; set; }

        public string Title { get; set; } = "";

        public string Body { get; set; } = "";

        public string Link { get; set; } = "";

        public DateTimeOffset CreatedAt { get; set; }

        public string? WebhookUrl { get; set; }

        public string? WebhookSecret { get; set; }

        public OutboxMessage ToMessage() => new(
            Id,
            NotificationNames.ChannelNamed(Channel) ?? throw new InvalidOperationException($"unknown channel {Channel}"),
            Target,
            IdempotencyKey,
            (int)Attempts,
            Recipient,
            NotificationNames.KindNamed(Kind) ?? throw new InvalidOperationException($"unknown notification kind {Kind}"),
            Job,
            Title,
            Body,
            Link,
            CreatedAt,
            WebhookUrl,
            WebhookSecret);
    }

    private sealed class StatusRow
    {
        public string Channel { get; set; } = "";

        public string Target { get; set; } = "";

        public string LastError { get; set; } = "";

        public long Attempts { get; set; }

        public DateTimeOffset? NextAttemptAt { get; set; }

        public DateTimeOffset? GivenUpAt { get; set; }
    }
}
