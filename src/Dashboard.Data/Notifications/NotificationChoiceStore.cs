using Dashboard.Data.Audit;
using System.Collections.Immutable;
using Dapper;

namespace Dashboard.Data.Notifications;

/// <summary>
/// People's notification preferences (tables <c>notification_choices</c>, <c>notification_settings</c>,
/// <c>notification_webhooks</c>). A person changes only their own; a removed webhook stays, marked removed, so its
/// past deliveries still name it.
/// </summary>
public sealed class NotificationChoiceStore(Database database)
{
    private const string ChoicesSql = "SELECT user_name AS UserName, kind AS Kind, channel AS Channel, enabled AS Enabled FROM notification_choices";

    private const string SettingsSql = "SELECT user_name AS UserName, email AS Email, waiting_minutes AS WaitingMinutes FROM notification_settings";

    private const string WebhooksSql = """
        SELECT id AS Id, user_name AS UserName, url AS Url, secret AS Secret, created_at AS CreatedAt
        FROM notification_webhooks WHERE removed_at IS NULL ORDER BY id
        """;

    private const string UserFilter = " WHERE user_name = $user";

    private const string DeleteChoicesSql = "DELETE FROM notification_choices WHERE user_name = $user";

    private const string InsertChoiceSql = "INSERT INTO notification_choices (user_name, kind, channel, enabled) VALUES ($user, $kind, $channel, $enabled)";

    private const string UpsertSettingsSql = """
        INSERT INTO notification_settings (user_name, email, waiting_minutes) VALUES ($user, $email, $minutes)
        ON CONFLICT (user_name) DO UPDATE SET email = excluded.email, waiting_minutes = excluded.waiting_minutes
        """;

    private const string AddWebhookSql = """
        INSERT INTO notification_webhooks (user_name, url, secret, created_at) VALUES ($user, $url, $secret, $at) RETURNING id
        """;

    private const string RemoveWebhookSql = "UPDATE notification_webhooks SET removed_at = $at WHERE id = $id AND user_name = $user AND removed_at IS NULL";

    /// <summary>Everyone's preferences who made any choice (the others have the defaults).</summary>
    public ImmutableDictionary<string, NotificationPreferences> LoadAll()
    {
        using var connection = database.OpenConnection();
        return Assemble(
            connection.Query<ChoiceRow>(ChoicesSql),
            connection.Query<SettingsRow>(SettingsSql),
            connection.Query<WebhookRow>(WebhooksSql.Replace("ORDER BY", "ORDER BY user_name,", StringComparison.Ordinal)));
    }

    /// <summary><paramref name="user"/>'s preferences (the defaults when they made no choice).</summary>
    public NotificationPreferences Load(string user)
    {
        using var connection = database.OpenConnection();
        var all = Assemble(
            connection.Query<ChoiceRow>(ChoicesSql + UserFilter, new { user }),
            connection.Query<SettingsRow>(SettingsSql + UserFilter, new { user }),
            connection.Query<WebhookRow>(WebhooksSql.Replace("WHERE", "WHERE user_name = $user AND", StringComparison.Ordinal), new { user }));
        return all.GetValueOrDefault(user) ?? NotificationPreferences.DefaultFor(user);
    }

    /// <summary>Replaces <paramref name="user"/>'s choices, email and waiting threshold, in one transaction.</summary>
    /// <param name="audit">The audit entry written in the same transaction (a change of the email target), or null.</param>
    public void Save(string user, IReadOnlyDictionary<(NotificationKind Kind, NotificationChannel Channel), bool> choices, string? email, TimeSpan waitingThreshold, AuditEntry? audit = null)
    {
        ArgumentNullException.ThrowIfNull(choices);
        using var connection = database.OpenConnection();
        using var transaction = connection.BeginTransaction();
        connection.Execute(DeleteChoicesSql, new { user }, transaction);
        foreach (var ((kind, channel), enabled) in choices)
        {
            connection.Execute(InsertChoiceSql, new { user, kind = NotificationNames.Of(kind), channel = NotificationNames.Of(channel), enabled = enabled ? 1 : 0 }, transaction);
        }

        connection.Execute(UpsertSettingsSql, new { user, email, minutes = (long)waitingThreshold.TotalMinutes }, transaction);
        if (audit is not null)
        {
            AuditWrites.AppendWithin(connection, transaction, audit);
        }

        transaction.Commit();
    }

    /// <param name="audit">Makes the audit entry of the new webhook's id, written in the same transaction; null for none.</param>
    public long AddWebhook(string user, string url, string secret, DateTimeOffset at, Func<long, AuditEntry>? audit = null)
    {
        using var connection = database.OpenConnection();
        using var transaction = connection.BeginTransaction();
        var id = connection.ExecuteScalar<long>(AddWebhookSql, new { user, url, secret, at }, transaction);
        if (audit is not null)
        {
            AuditWrites.AppendWithin(connection, transaction, audit(id));
        }

        transaction.Commit();
        return id;
    }

    /// <summary>Removes one of <paramref name="user"/>'s webhooks; false when they have no such webhook.</summary>
    /// <param name="audit">The audit entry written in the same transaction when a webhook was removed; null for none.</param>
    public bool RemoveWebhook(string user, long id, DateTimeOffset at, AuditEntry? audit = null)
    {
        using var connection = database.OpenConnection();
        using var transaction = connection.BeginTransaction();
        var removed = connection.Execute(RemoveWebhookSql, new { user, id, at }, transaction) == 1;
        if (removed && audit is not null)
        {
            AuditWrites.AppendWithin(connection, transaction, audit);
        }

        transaction.Commit();
        return removed;
    }

    private static ImmutableDictionary<string, NotificationPreferences> Assemble(IEnumerable<ChoiceRow> choices, IEnumerable<SettingsRow> settings, IEnumerable<WebhookRow> webhooks)
    {
        var result = new Dictionary<string, NotificationPreferences>(StringComparer.Ordinal);
        NotificationPreferences Of(string user) => result.TryGetValue(user, out var found) ? found : result[user] = NotificationPreferences.DefaultFor(user);
        foreach (var row in choices)
        {
            if (NotificationNames.KindNamed(row.Kind) is { } kind && NotificationNames.ChannelNamed(row.Channel) is { } channel)
            {
                var current = Of(row.UserName);
                result[row.UserName] = current with { Choices = current.Choices.SetItem((kind, channel), row.Enabled != 0) };
            }
        }

        foreach (var row in settings)
        {
            result[row.UserName] = Of(row.UserName) with { Email = row.Email, WaitingThreshold = TimeSpan.FromMinutes(row.WaitingMinutes) };
        }

        foreach (var row in webhooks)
        {
            var current = Of(row.UserName);
            result[row.UserName] = current with { Webhooks = current.Webhooks.Add(new NotificationWebhook(row.Id, row.Url, row.Secret, row.CreatedAt)) };
        }

        return result.ToImmutableDictionary(StringComparer.Ordinal);
    }

    private sealed class ChoiceRow
    {
        public string UserName { get; set; } = "";

        public string Kind { get; set; } = "";

        public string Channel { get; set; } = "";

        public long Enabled { get; set; }
    }

    private sealed class SettingsRow
    {
        public string UserName { get; set; } = "";

        public string? Email { get; set; }

        public long WaitingMinutes { get; set; }
    }

    private sealed class WebhookRow
    {
        public long Id { get; set; }

        public string UserName { get; set; } = "";

        public string Url { get; set; } = "";

        public string Secret { get; set; } = "";

        public DateTimeOffset CreatedAt { get; set; }
    }
}
