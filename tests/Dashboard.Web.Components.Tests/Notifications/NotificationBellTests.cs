using Dashboard.Engine.Notifications;
using Dashboard.Web.Cluster;
using Dashboard.Web.Components.Layout;
using Dashboard.Web.Notifications;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Web.Components.Tests.Notifications;

/// <summary>The bell on a real SQLite file: the signed-in person's unread count, live through the feed, and marking read.</summary>
public sealed class NotificationBellTests : ComponentTest
{
    private readonly NotificationsDatabase data;

    public NotificationBellTests()
        : this(new NotificationsDatabase())
    {
    }

    private NotificationBellTests(NotificationsDatabase data)
        : base(services => services.AddSingleton(new NotificationInbox(data.Store, data.Clock))) => this.data = data;

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        data.Dispose();
    }

    [Fact]
    public void The_bell_counts_only_the_signed_in_persons_unread_and_follows_the_feed()
    {
        data.Add("alice", 1);
        data.Add("alice", 2);
        data.Add("bob", 3);

        var bell = Render<NotificationBell>();
        bell.Find("#notification-bell").GetAttribute("data-unread").Should().Be("2");
        bell.Find("#notification-bell-button").GetAttribute("aria-label").Should().Be("Notifications, 2 unread");

        data.Add("alice", 4);
        Feed.Publish(new TestCluster().Update(version: 1) with { Events = [new NotificationsQueuedEvent(["bob"], NotificationsDatabase.Start)] });
        Feed.Publish(new TestCluster().Update(version: 2) with { Events = [new NotificationsQueuedEvent(["alice"], NotificationsDatabase.Start)] });

        bell.WaitForAssertion(() => bell.Find("#notification-bell").GetAttribute("data-unread").Should().Be("3"), Patience);
    }

    [Fact]
    public async Task Opening_the_bell_lists_the_newest_first_and_marking_read_lowers_the_count()
    {
        data.Add("alice", 1);
        var newest = data.Add("alice", 2, Dashboard.Data.Notifications.NotificationKind.JobFailed);
        data.Add("bob", 3);
        var bell = Render<NotificationBell>();

        await Click(bell, "#notification-bell-button");

        var items = bell.FindAll(".notification-item");
        items.Should().HaveCount(2, "bob's is not alice's");
        items[0].TextContent.Should().Contain(newest).And.Contain("Open job 2");
        items.Should().OnlyContain(i => i.GetAttribute("data-read") == "0");

        await bell.InvokeAsync(() => bell.FindAll(".notification-mark-read")[0].Click());
        bell.Find("#notification-bell").GetAttribute("data-unread").Should().Be("1");
        bell.FindAll(".notification-item")[0].GetAttribute("data-read").Should().Be("1");

        await Click(bell, "#notifications-mark-all-read");
        bell.Find("#notification-bell").GetAttribute("data-unread").Should().Be("0");
        data.Store.UnreadCount("bob").Should().Be(1, "marking all read is alice's only");
    }

    [Fact]
    public void Under_the_layout_the_bell_renders_again_only_when_a_notification_changes_what_it_shows()
    {
        data.Add("alice", 1);
        Feed.Publish(new TestCluster().Team("vision").Node("gpu-01", gpus: 2).Update(version: 1));
        var layout = Render<MainLayout>(p => p.Add(l => l.Body, body =>
        {
            body.OpenComponent<ClusterPage>(0);
            body.CloseComponent();
        }));
        layout.WaitForAssertion(() => layout.FindAll(".node-card").Should().HaveCount(1), Patience);
        var bell = layout.FindComponent<NotificationBell>();
        var renders = bell.RenderCount;

        // A GPU allocated: the layout cascades it (the page, the totals and the quotas show it), the bell draws the same.
        Feed.Publish(new TestCluster().Team("vision").Node("gpu-01", gpus: 2).Run("gpu-01", [0], "vision").Update(version: 2));
        layout.WaitForAssertion(() => layout.Find(".gpu-tile[data-gpu='0']").ClassList.Should().Contain("allocated"), Patience);
        bell.RenderCount.Should().Be(renders, "nothing the bell shows changed");

        // Someone else's notification: the bell reads nothing new and draws nothing.
        data.Add("bob", 2);
        Feed.Publish(new TestCluster().Team("vision").Node("gpu-01", gpus: 2).Update(version: 3) with { Events = [new NotificationsQueuedEvent(["bob"], NotificationsDatabase.Start)] });
        layout.WaitForAssertion(() => layout.Find(".gpu-tile[data-gpu='0']").ClassList.Should().NotContain("allocated"), Patience);
        bell.RenderCount.Should().Be(renders, "bob's notification is not alice's");
        bell.Find("#notification-bell").GetAttribute("data-unread").Should().Be("1");

        // Alice's: the count changes and the bell renders, once.
        data.Add("alice", 3);
        Feed.Publish(new TestCluster().Team("vision").Node("gpu-01", gpus: 2).Update(version: 4) with { Events = [new NotificationsQueuedEvent(["alice"], NotificationsDatabase.Start)] });
        layout.WaitForAssertion(() => bell.Find("#notification-bell").GetAttribute("data-unread").Should().Be("2"), Patience);
        bell.RenderCount.Should().Be(renders + 1);
        bell.Find("#notification-bell-button").GetAttribute("aria-label").Should().Be("Notifications, 2 unread");
    }
}
