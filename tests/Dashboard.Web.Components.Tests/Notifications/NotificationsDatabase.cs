using Dashboard.Data;
using Dashboard.Data.Notifications;
using Dashboard.Data.Writing;
using Dashboard.Web.Notifications;
using Microsoft.Extensions.Time.Testing;

namespace Dashboard.Web.Components.Tests.Notifications;

/// <summary>
/// A real SQLite file for the notification components: notifications written the way the engine writes them (through
/// the writer). <see cref="EmptyInbox"/> is the one every other component test's layout gets (its bell shows nothing).
/// </summary>
internal sealed class NotificationsDatabase : IDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    private static readonly Lazy<NotificationsDatabase> Empty = new(() => new NotificationsDatabase());

    private readonly ClusterWriter writer;
    private int next;

    public NotificationsDatabase()
    {
        Folder = Directory.CreateTempSubdirectory("notifications-components-").FullName;
        Database = Database.Open(new DatabaseOptions { DataFolder = Folder }, Clock);
        writer = new ClusterWriter(Database);
    }

    public string Folder { get; }

    public FakeTimeProvider Clock { get; } = new(Start);

    public Database Database { get; }

    public NotificationStore Store => new(Database);

    public static NotificationInbox EmptyInbox() => new(Empty.Value.Store, TimeProvider.System);

    /// <summary>Writes a notification for <paramref name="recipient"/> about job <paramref name="job"/>; returns its title.</summary>
    public string Add(string recipient, long job, NotificationKind kind = NotificationKind.JobSucceeded)
    {
        var title = $"Job {job} \"train\" {NotificationNames.Of(kind)}";
        writer.Write([new NotificationQueued(
            new NewNotification($"test:{Interlocked.Increment(ref next)}", recipient, kind, job, title, title + "; exit code 0.", $"https://dash.example/jobs/{job}", Clock.GetUtcNow(), InDashboard: true),
            [])]);
        return title;
    }

    public void Dispose()
    {
        writer.Dispose();
        Database.Dispose();
        Directory.Delete(Folder, recursive: true);
    }
}
