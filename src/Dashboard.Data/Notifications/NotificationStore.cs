using Dapper;

namespace Dashboard.Data.Notifications;

/// <summary>A notification as its recipient sees it in the bell, the API and <c>dash notifications</c>.</summary>
public sealed record NotificationRecord(
    long Id,
    string Recipient,
    NotificationKind Kind,
    long? Job,
    string Title,
    string Body,
    string Link,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ReadAt)
{
    public bool IsRead => ReadAt is not null;
}

/// <summary>
/// The dashboard's side of the notifications (table <c>notifications</c>, rows shown in the dashboard): a person's
/// list, their unread count, marking read. Every query names the recipient: nobody reads another person's notifications.
/// </summary>
public sealed class NotificationStore(Database database)
{
    public const int MaxListed = 200;

    private const string Columns = """
        id AS Id, recipient AS Recipient, kind AS Kind, job_id AS Job, title AS Title, body AS Body, link AS Link,
        created_at AS CreatedAt, read_at AS ReadAt
        """;

    private const string ListSql = $"""
        SELECT {Columns} FROM notifications
        WHERE recipient = $recipient AND in_dashboard = 1 AND ($unreadOnly = 0 OR read_at IS NULL)
        ORDER BY id DESC LIMIT $limit
        """;

    private const string UnreadSql = "SELECT count(*) FROM notifications WHERE recipient = $recipient AND in_dashboard = 1 AND read_at IS NULL";

    private const string MarkReadSql = """
        UPDATE notifications SET read_at = $at
        WHERE recipient = $recipient AND in_dashboard = 1 AND read_at IS NULL AND id IN (SELECT value FROM json_each($ids))
        """;

    private const string MarkAllReadSql = "UPDATE notifications SET read_at = $at WHERE recipient = $recipient AND in_dashboard = 1 AND read_at IS NULL";

    /// <summary>The newest of <paramref name="recipient"/>'s notifications first (at most <see cref="MaxListed"/>).</summary>
    public IReadOnlyList<NotificationRecord> ListFor(string recipient, bool unreadOnly = false, int limit = 50)
    {
        using var connection = database.OpenConnection();
        return [.. connection.Query<NotificationRow>(ListSql, new { recipient, unreadOnly = unreadOnly ? 1 : 0, limit = Math.Clamp(limit, 1, MaxListed) }).Select(r => r.ToRecord())];
    }

    public int UnreadCount(string recipient)
    {
        using var connection = database.OpenConnection();
        return connection.ExecuteScalar<int>(UnreadSql, new { recipient });
    }

    /// <summary>Marks those of <paramref name="ids"/> that are <paramref name="recipient"/>'s as read; returns how many changed.</summary>
    public int MarkRead(string recipient, IReadOnlyCollection<long> ids, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(ids);
        using var connection = database.OpenConnection();
        return connection.Execute(MarkReadSql, new { recipient, ids = System.Text.Json.JsonSerializer.Serialize(ids), at });
    }

    public int MarkAllRead(string recipient, DateTimeOffset at)
    {
        using var connection = database.OpenConnection();
        return connection.Execute(MarkAllReadSql, new { recipient, at });
    }

    private sealed class NotificationRow
    {
        public long Id { get; set; }

        public string Recipient { get; set; } = "";

        public string Kind { get; set; } = "";

        public long? Job { get; set; }

        public string Title { get; set; } = "";

        public string Body { get; set; } = "";

        public string Link { get; set; } = "";

        public DateTimeOffset CreatedAt { get; set; }

        public DateTimeOffset? ReadAt { get; set; }

        public NotificationRecord ToRecord() => new(
            Id, Recipient, NotificationNames.KindNamed(Kind) ?? throw new InvalidOperationException($"unknown notification kind {Kind}"), Job, Title, Body, Link, CreatedAt, ReadAt);
    }
}
