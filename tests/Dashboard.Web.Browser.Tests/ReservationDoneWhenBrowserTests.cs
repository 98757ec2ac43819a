using System.Globalization;
using Dashboard.Data.Users;
using Dashboard.Engine.Feed;
using Dashboard.Scheduling.Model;
using Dashboard.Web.Commands;
using Dashboard.Web.Identity;
using Dashboard.Web.Tests;
using Microsoft.Extensions.Time.Testing;

namespace Dashboard.Web.Browser.Tests;

/// <summary>
/// Issue 23's "done when", in a real Chromium against the real app on a fake clock (one demo node of 8 A100-80GB
/// GPUs): the team lead books 8 GPUs for tomorrow 09:00-17:00 on the Reservations page, sees it on the calendar and on
/// the timeline; then a member's job submitted into it waits while an outside job backfills before it, and when the
/// clock reaches 09:00 the member's job runs inside it. The jobs are submitted through the command door (as the Submit
/// form and the API do), and their states read from the engine's feed.
/// </summary>
public sealed class ReservationDoneWhenBrowserTests : IAsyncLifetime
{
    // Today 23:00 UTC: tomorrow 09:00 is 10 hours on, so advancing to it fires the host's periodic timers for 10 hours only.
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(TimeProvider.System.GetUtcNow().UtcDateTime.Date.AddHours(23), TimeSpan.Zero));
    private readonly BrowserHost host;

    public ReservationDoneWhenBrowserTests()
    {
        host = new BrowserHost(new DashboardFactory
        {
            Clock = clock,
            Settings = new Dictionary<string, string>
            {
                ["Cluster:DemoNodes:Count"] = "1",
                ["Cluster:DemoNodes:GpusPerNode"] = "8",
            },
        });
    }

    public ValueTask InitializeAsync() => host.InitializeAsync();

    public ValueTask DisposeAsync() => host.DisposeAsync();

    [Fact]
    public async Task A_lead_books_8_GPUs_for_tomorrow_sees_it_on_the_calendar_and_timeline_and_a_members_job_runs_in_it_at_nine()
    {
        var tomorrow = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime).AddDays(1);
        var nine = new DateTimeOffset(tomorrow.ToDateTime(new TimeOnly(9, 0)), TimeSpan.Zero);
        var page = await host.OpenAsync("reservations", "lead");

        await page.ClickAsync("#reservation-new");
        await Assertions.Expect(page.Locator("#reservation-from")).ToHaveValueAsync(tomorrow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "T09:00");
        await Assertions.Expect(page.Locator("#reservation-to")).ToHaveValueAsync(tomorrow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "T17:00");
        await page.FillAsync("#reservation-gpus", "8");
        await page.FillAsync("#reservation-name", "demo day");
        await page.FillAsync("#reservation-reason", "live demo");
        await page.ClickAsync("#reservation-save");

        await Assertions.Expect(page.Locator("#reservation-notice")).ToContainTextAsync("booked");
        var reservation = host.Service<ClusterFeed>().Current!.Snapshot.Reservations.Single(r => r.Name == "demo day");
        (reservation.Gpus, reservation.Start, reservation.End, reservation.Team).Should().Be((8, nine, nine.AddHours(8), "vision"));

        await host.GoToAsync(page, $"reservations?view=week&date={tomorrow:yyyy-MM-dd}");
        var block = page.Locator($".calendar-day[data-date='{tomorrow:yyyy-MM-dd}'] .calendar-block");
        await Assertions.Expect(block).ToContainTextAsync("demo day");
        await Assertions.Expect(block).ToContainTextAsync("vision · 8 × A100-80GB");
        await Assertions.Expect(block).ToContainTextAsync("09:00–17:00");
        await Assertions.Expect(block).ToContainTextAsync("approved");

        await host.GoToAsync(page, "timeline?span=3d");
        var reserved = page.Locator(".timeline-bar.reserved");
        await Assertions.Expect(reserved.First).ToContainTextAsync("reserved: demo day");
        await Assertions.Expect(reserved).ToHaveCountAsync(1);

        // The clock part: a member submits into the booking, an outside team's short job backfills before it.
        var commands = host.Service<ClusterCommands>();
        var alice = new SignedInUser("alice", UserRole.Member, ["vision"]);
        var bob = new SignedInUser("bob", UserRole.Member, ["nlp"]);
        var inside = await commands.SubmitAsync(alice, new JobSpec("in-booking", "alice", "vision", "sleep 1", new ResourceRequest(8, 1000, 1024), Walltime: TimeSpan.FromHours(2), Reservation: reservation.Id));
        var backfill = await commands.SubmitAsync(bob, new JobSpec("backfill", "bob", "nlp", "sleep 1", new ResourceRequest(4, 1000, 1024), Walltime: TimeSpan.FromHours(2)));
        var tooLong = await commands.SubmitAsync(bob, new JobSpec("too-long", "bob", "nlp", "sleep 1", new ResourceRequest(4, 1000, 1024), Walltime: TimeSpan.FromDays(2)));
        inside.Succeeded.Should().BeTrue(inside.Reason);
        backfill.Succeeded.Should().BeTrue(backfill.Reason);
        tooLong.Succeeded.Should().BeTrue(tooLong.Reason);
        var feed = host.Service<ClusterFeed>();

        var before = await feed.WaitForAsync(u => u.Snapshot.Running.Any(r => r.Job.Id == backfill.Job)).WaitAsync(BrowserHost.Patience);
        before.Snapshot.Pending.AllJobs.Select(j => j.Id).Should().Contain([inside.Job!.Value, tooLong.Job!.Value], "the member's job waits for the window; the long job would still run in it");

        clock.Advance(nine - clock.GetUtcNow());

        var at9 = await feed.WaitForAsync(u => u.Snapshot.Running.Any(r => r.Job.Id == inside.Job)).WaitAsync(BrowserHost.Patience);
        at9.Snapshot.Running.Single(r => r.Job.Id == inside.Job).Allocation.Start.Should().BeOnOrAfter(nine);
        at9.Snapshot.Running.Should().NotContain(r => r.Job.Id == tooLong.Job, "during the window the booking's GPUs are its own");
    }
}
