using System.Globalization;
using Dashboard.Data.UsageHistory;
using Dashboard.Data.Users;
using Dashboard.Scheduling.Accounting;
using Dashboard.Web.Identity;
using Dashboard.Web.Usage;

namespace Dashboard.Web.Components.Tests.Usage;

/// <summary>The usage page over a stored demo history: charts and table from the store, the pickers re-asking it.</summary>
public sealed class UsagePageTests : ComponentTest
{
    private readonly UsageData data;

    public UsagePageTests()
        : this(new UsageData())
    {
    }

    private UsagePageTests(UsageData data)
        : base(data.AddTo)
    {
        this.data = data;
        SignInAs(new SignedInUser("lead", UserRole.TeamLead, ["vision"]));
        Feed.Publish(new TestCluster().Node("demo-gpu-01", gpus: 4, simulated: true).Node("demo-gpu-02", gpus: 4, simulated: true).Update());
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            data.Dispose();
        }
    }

    private double StoredGpuHours(string team, TimeSpan span, TimeSpan bucket, string? owner = null)
    {
        var from = UsageSplit.AlignDown(UsageData.Now - span, bucket);
        var segments = data.Store.Segments(new JobFilter([team], owner), from, UsageData.Now);
        return segments.Sum(s => UsageSplit.Within(s, from, UsageData.Now, UsageData.Now).GpuHours);
    }

    private static double GpuHoursCell(IRenderedComponent<UsagePage> page, string key) =>
        double.Parse(page.Find($"#usage-table [data-key='{key}'][data-field='gpu-hours']").GetAttribute("data-value")!, CultureInfo.InvariantCulture);

    [Fact]
    public void A_team_lead_sees_their_team_in_the_charts_and_the_table_as_stored()
    {
        var page = Render<UsagePage>();

        page.Find("#usage-allocated-chart").GetAttribute("data-series").Should().Be("vision");
        page.FindAll("#usage-allocated-chart .mud-chart").Should().NotBeEmpty();
        page.FindAll("#usage-efficiency-chart .mud-chart").Should().NotBeEmpty();
        page.FindAll("#usage-table [data-field='gpu-hours']").Select(e => e.GetAttribute("data-key")).Should().Equal("vision");
        GpuHoursCell(page, "vision").Should().BeApproximately(StoredGpuHours("vision", TimeSpan.FromDays(7), TimeSpan.FromHours(1)), 1e-9).And.BePositive();
        page.Find("#usage-simulated").TextContent.Should().Contain("simulated");
        page.Find("#usage-range").GetAttribute("data-bucket-minutes").Should().Be("60");
        page.Find("#usage-table-csv").GetAttribute("href").Should().Be("usage/table.csv?range=7d&group=team");
    }

    [Fact]
    public void The_table_shows_the_GPU_hours_each_team_lost_to_preemption()
    {
        // A 2-GPU job of vision, preempted after 90 minutes an hour ago: 3 GPU-hours thrown away.
        var stopped = UsageData.Now.AddHours(-1);
        var job = new Dashboard.Scheduling.Model.Job(new Dashboard.Scheduling.Model.JobId(9_000_001), new Dashboard.Scheduling.Model.JobSpec("preempted", "lead", "vision", "train", new Dashboard.Scheduling.Model.ResourceRequest(2, 1_000, 1_024)), stopped.AddHours(-2));
        using (var writer = new Dashboard.Data.Writing.ClusterWriter(data.Database))
        {
            writer.Write([
                new Dashboard.Data.Writing.JobSubmitted(job),
                new Dashboard.Data.Writing.JobStateChanged(job.Id, Dashboard.Scheduling.Model.JobState.Pending, Dashboard.Scheduling.Model.JobState.Running, stopped.AddMinutes(-90)),
                new Dashboard.Data.Writing.AllocationMade(new Dashboard.Scheduling.Model.GpuAllocation(job.Id, data.Nodes[0].Name, [0, 1], 1_000, 1_024, stopped.AddMinutes(-90), null), true),
                new Dashboard.Data.Writing.AllocationReleased(job.Id, stopped),
                new Dashboard.Data.Writing.JobStateChanged(job.Id, Dashboard.Scheduling.Model.JobState.Running, Dashboard.Scheduling.Model.JobState.Pending, stopped, "preempted: team nlp reclaims its nominal quota"),
            ]);
        }

        var page = Render<UsagePage>();

        var cell = page.Find("#usage-table [data-key='vision'][data-field='lost-gpu-hours']");
        double.Parse(cell.GetAttribute("data-value")!, CultureInfo.InvariantCulture).Should().BeApproximately(3.0, 1e-9);
        cell.TextContent.Should().Be(3.0.ToString("N1", CultureInfo.CurrentCulture));
    }

    [Fact]
    public async Task The_range_picker_asks_the_store_again_for_the_new_range()
    {
        var page = Render<UsagePage>();
        var sevenDays = GpuHoursCell(page, "vision");

        await Click(page, "#range-24h");

        page.Find("#usage-range").GetAttribute("data-bucket-minutes").Should().Be("15");
        DateTimeOffset.Parse(page.Find("#usage-range").GetAttribute("data-from")!, CultureInfo.InvariantCulture)
            .Should().Be(UsageSplit.AlignDown(UsageData.Now.AddDays(-1), TimeSpan.FromMinutes(15)));
        GpuHoursCell(page, "vision").Should().BeApproximately(StoredGpuHours("vision", TimeSpan.FromDays(1), TimeSpan.FromMinutes(15)), 1e-9).And.BeLessThan(sevenDays);
        page.Find("#usage-series-csv").GetAttribute("href").Should().Be("usage/series.csv?range=24h&group=team");

        await Click(page, "#range-custom");
        await Type(page, "#usage-from", "2026-11-20");
        await Type(page, "#usage-to", "2026-11-19");
        await Click(page, "#custom-apply");
        page.Find("#usage-problems").TextContent.Should().Contain("to must be after from");
        page.FindAll("#usage-table").Should().BeEmpty();

        await Type(page, "#usage-to", "2026-11-22");
        await Click(page, "#custom-apply");
        page.Find("#usage-range").GetAttribute("data-from").Should().StartWith("2026-11-20T00:00:00");
        page.Find("#usage-table-csv").GetAttribute("href").Should().Be("usage/table.csv?range=custom&from=2026-11-20&to=2026-11-22&group=team");
    }

    [Fact]
    public async Task Grouping_by_user_shows_the_team_members_and_never_another_teams()
    {
        var page = Render<UsagePage>();

        await Click(page, "#group-user");

        var keys = page.FindAll("#usage-table [data-field='gpu-hours']").Select(e => e.GetAttribute("data-key")).ToList();
        keys.Should().NotBeEmpty().And.OnlyContain(k => k!.EndsWith("(vision)", StringComparison.Ordinal)).And.Contain("alice (vision)");
        GpuHoursCell(page, "alice (vision)").Should().BeApproximately(StoredGpuHours("vision", TimeSpan.FromDays(7), TimeSpan.FromHours(1), "alice"), 1e-9);
        page.Find("#usage-allocated-chart").GetAttribute("data-series")!.Split('|').Should().OnlyContain(s => s.EndsWith("(vision)", StringComparison.Ordinal));
        page.FindAll("#team-nlp").Should().BeEmpty("a lead of vision cannot pick another team");
    }

    [Fact]
    public void A_member_sees_only_their_own_row_and_no_grouping_choice()
    {
        SignInAs(new SignedInUser("alice", UserRole.Member, ["vision"]));

        var page = Render<UsagePage>();

        page.FindAll("#group-team").Should().BeEmpty();
        page.FindAll("#usage-table [data-field='gpu-hours']").Select(e => e.GetAttribute("data-key")).Should().Equal("alice (vision)");
        page.Find("#usage-scope").TextContent.Should().Be("your own jobs");
    }

    [Fact]
    public async Task A_long_range_by_user_shows_every_rows_GPU_hours_and_jobs_as_totalled_from_every_allocation()
    {
        SignInAs(new SignedInUser("admin", UserRole.Admin, []));
        var page = Render<UsagePage>();

        await Click(page, "#group-user");
        await Click(page, "#range-custom");
        // Partial days at both ends, inside the ten days of history.
        await Type(page, "#usage-from", "2026-11-20T06:00");
        await Type(page, "#usage-to", "2026-11-28T12:00");
        await Click(page, "#custom-apply");

        var (from, to) = (new DateTimeOffset(2026, 11, 20, 6, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));
        page.Find("#usage-range").GetAttribute("data-from").Should().StartWith("2026-11-20T06:00:00");
        var expected = UsageTotalling.Total(data.Store.Segments(new JobFilter(null), from, to), s => $"{s.Owner} ({s.Team})", from, to, UsageData.Now);
        expected.Should().HaveCountGreaterThan(8, "demo history has more people than teams");
        page.FindAll("#usage-table [data-field='gpu-hours']").ToDictionary(e => e.GetAttribute("data-key")!, e => double.Parse(e.GetAttribute("data-value")!, CultureInfo.InvariantCulture))
            .Should().BeEquivalentTo(expected.ToDictionary(t => t.Key, t => t.Held.GpuHours));
        page.FindAll("#usage-table [data-field='jobs']").ToDictionary(e => e.GetAttribute("data-key")!, e => int.Parse(e.TextContent, CultureInfo.InvariantCulture))
            .Should().BeEquivalentTo(expected.ToDictionary(t => t.Key, t => t.Jobs));
    }
}
