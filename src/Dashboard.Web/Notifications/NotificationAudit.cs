using System.Text.Json;
using Dashboard.Data.Audit;

namespace Dashboard.Web.Notifications;

/// <summary>
/// The audit entries of a person's notification targets: a webhook added or removed, the email address changed. A
/// webhook's signing secret is never in them, nor its address's path and query (chat services put their keys there):
/// only its scheme and host.
/// </summary>
public static class NotificationAudit
{
    public static AuditEntry WebhookAdded(string user, long id, string url, DateTimeOffset at) =>
        new(at, user, "notifications.webhook.add", Target(user), null, JsonSerializer.Serialize(new { Id = id, Address = Shown(url) }));

    public static AuditEntry WebhookRemoved(string user, long id, string url, DateTimeOffset at) =>
        new(at, user, "notifications.webhook.remove", Target(user), JsonSerializer.Serialize(new { Id = id, Address = Shown(url) }), null);

    /// <summary>The entry of a changed email target; null when the address did not change.</summary>
    public static AuditEntry? EmailChanged(string user, string? before, string? after, DateTimeOffset at) =>
        string.Equals(before, after, StringComparison.Ordinal)
            ? null
            : new(at, user, "notifications.email", Target(user), JsonSerializer.Serialize(new { Email = before }), JsonSerializer.Serialize(new { Email = after }));

    /// <summary>"https://hooks.example.com/…": the scheme and host, the rest hidden.</summary>
    public static string Shown(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var address) ? $"{address.Scheme}://{address.Authority}/…" : "(unreadable address)";

    private static string Target(string user) => $"user:{user}";
}
