using System.Globalization;
using Dashboard.Data.UsageHistory;
using Dashboard.Data.Users;
using Dashboard.Web.Identity;
using Dashboard.Web.Usage;

namespace Dashboard.Web.Components.Tests.Usage;

/// <summary>
/// Reserved time on the usage page: a lead sees their team's reserved GPU-hours split into used and "reserved, idle"
/// in the totals, the table and the efficiency chart; another team's bookings and a member's own view show none.
/// </summary>
public sealed class UsageReservedTimeTests : ComponentTest
{
    private readonly UsageData data;

    public UsageReservedTimeTests()
        : this(new UsageData())
    {
    }

    private UsageReservedTimeTests(UsageData data)
        : base(data.AddTo)
    {
        this.data = data;
        Feed.Publish(new TestCluster().Node("demo-gpu-01", gpus: 4, simulated: true).Node("demo-gpu-02", gpus: 4, simulated: true).Update());
        // 30 minutes of vision's booking of 4 GPUs with 1 in use (2 GPU-hours reserved, 1.5 idle), and 30 of nlp's 2, unused.
        var start = UsageData.Now.AddMinutes(-35);
        data.Store.WriteSamples(Enumerable.Range(0, 30).Select(m => new MinuteSamples([], [], null,
            [new ReservationSample("vision", start.AddMinutes(m), 4, 3), new ReservationSample("nlp", start.AddMinutes(m), 2, 2), new ReservationSample("idle-team", start.AddMinutes(m), 1, 1)])));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            data.Dispose();
        }
    }

    private static double Attribute(IRenderedComponent<UsagePage> page, string key, string attribute) =>
        double.Parse(page.Find($"#usage-table [data-key='{key}'][data-field='reserved-gpu-hours']").GetAttribute(attribute)!, CultureInfo.InvariantCulture);

    [Fact]
    public void A_lead_sees_their_teams_reserved_time_split_into_used_and_reserved_idle()
    {
        SignInAs(new SignedInUser("lead", UserRole.TeamLead, ["vision"]));

        var page = Render<UsagePage>();

        page.Find("#usage-reserved-gpu-hours").TextContent.Should().Be(2.0.ToString("N1", CultureInfo.CurrentCulture));
        page.Find("#usage-reserved-idle-gpu-hours").TextContent.Should().Be(1.5.ToString("N1", CultureInfo.CurrentCulture));
        page.FindAll("#usage-table [data-field='reserved-gpu-hours']").Select(e => e.GetAttribute("data-key")).Should().Equal("vision");
        Attribute(page, "vision", "data-value").Should().Be(2.0);
        Attribute(page, "vision", "data-idle").Should().Be(1.5);
        page.Find("#usage-table [data-key='vision'][data-field='reserved-gpu-hours']").TextContent.Should().Be($"{2.0:N1} ({0.5:N1} used / {1.5:N1} reserved, idle)");
        page.Find("#usage-efficiency-chart").GetAttribute("data-series").Should().Be($"{UsageChartData.AllocatedName}|{UsageChartData.UsedName}|{UsageChartData.ReservedIdleName}");
    }

    [Fact]
    public void An_admin_sees_a_row_for_a_team_that_booked_and_ran_nothing()
    {
        SignInAs(new SignedInUser("admin", UserRole.Admin, []));

        var page = Render<UsagePage>();

        Attribute(page, "idle-team", "data-value").Should().Be(0.5);
        Attribute(page, "idle-team", "data-idle").Should().Be(0.5);
        page.Find("#usage-table [data-key='idle-team'][data-field='gpu-hours']").GetAttribute("data-value").Should().Be("0");
        page.Find("#usage-reserved-idle-gpu-hours").TextContent.Should().Be((1.5 + 1 + 0.5).ToString("N1", CultureInfo.CurrentCulture));
    }

    [Fact]
    public void A_member_sees_no_reserved_time_in_their_own_view()
    {
        SignInAs(new SignedInUser("alice", UserRole.Member, ["vision"]));

        var page = Render<UsagePage>();

        page.FindAll("#usage-reserved").Should().BeEmpty();
        page.FindAll("#usage-table [data-field='reserved-gpu-hours']").Should().BeEmpty();
        page.Find("#usage-efficiency-chart").GetAttribute("data-series").Should().Be($"{UsageChartData.AllocatedName}|{UsageChartData.UsedName}");
    }
}
