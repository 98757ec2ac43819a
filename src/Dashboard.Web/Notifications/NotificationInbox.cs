using Dashboard.Api.Contracts;
using Dashboard.Data.Notifications;
using Dashboard.Web.Identity;

namespace Dashboard.Web.Notifications;

/// <summary>
/// A person's own notifications (the bell, <c>GET /api/v1/notifications</c>, <c>dash notifications</c>): every call
/// names the caller, so nobody, admins included, reads or marks another person's.
/// </summary>
public sealed class NotificationInbox(NotificationStore store, TimeProvider time)
{
    public NotificationListView ListFor(ICurrentUser user, bool unreadOnly = false, int limit = 50)
    {
        ArgumentNullException.ThrowIfNull(user);
        return new NotificationListView(store.UnreadCount(user.Name), [.. store.ListFor(user.Name, unreadOnly, limit).Select(ViewOf)]);
    }

    public int UnreadCount(ICurrentUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return store.UnreadCount(user.Name);
    }

    public MarkedReadView MarkRead(ICurrentUser user, IReadOnlyCollection<long>? ids, bool all)
    {
        ArgumentNullException.ThrowIfNull(user);
        var now = time.GetUtcNow();
        var marked = all ? store.MarkAllRead(user.Name, now) : store.MarkRead(user.Name, ids ?? [], now);
        return new MarkedReadView(marked, store.UnreadCount(user.Name));
    }

    public static NotificationView ViewOf(NotificationRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return new NotificationView(record.Id, NotificationNames.Of(record.Kind), record.Job, record.Title, record.Body, record.Link, record.CreatedAt, record.IsRead);
    }
}
