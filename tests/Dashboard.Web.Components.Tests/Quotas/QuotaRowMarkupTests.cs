using Dashboard.Data.Users;
using Dashboard.Web.Identity;
using Dashboard.Web.Quotas;
using MudBlazor;

namespace Dashboard.Web.Components.Tests.Quotas;

/// <summary>
/// The quota table's rows are shared HTML texts (QuotaRowMarkup) whose bars are drawn as MudProgressLinear draws them:
/// the same look and the same progressbar role and aria values for assistive technology, one text for every circuit,
/// and what people named stays text.
/// </summary>
public sealed class QuotaRowMarkupTests : ComponentTest
{
    [Theory]
    [InlineData(0.0, BarColour.Primary, BarSize.Small, "quota-within")]
    [InlineData(66.66666666666667, BarColour.Primary, BarSize.Medium, "quota-within")]
    [InlineData(6.25, BarColour.Secondary, BarSize.Small, null)]
    [InlineData(99.6, BarColour.Warning, BarSize.Small, "quota-borrowed")]
    [InlineData(100.0, BarColour.Warning, BarSize.Small, "quota-borrowed")]
    [InlineData(12.5, BarColour.Warning, BarSize.Medium, null)]
    public void A_bar_is_the_markup_MudProgressLinear_draws_for_the_same_value(double value, BarColour colour, BarSize size, string? cssClass)
    {
        var label = "vision: GPUs used within the nominal quota";
        var mud = Render<MudProgressLinear>(p =>
        {
            p.Add(b => b.Value, value).Add(b => b.Rounded, true)
                .Add(b => b.Color, colour switch { BarColour.Primary => Color.Primary, BarColour.Secondary => Color.Secondary, _ => Color.Warning })
                .Add(b => b.Size, size == BarSize.Small ? Size.Small : Size.Medium)
                .AddUnmatched("aria-label", label);
            if (cssClass is not null)
            {
                p.Add(b => b.Class, cssClass);
            }
        });

        var shared = new System.Text.StringBuilder().AppendBar(value, label, colour, size, cssClass).ToString();

        mud.MarkupMatches(shared);
    }

    [Fact]
    public void A_row_shows_the_teams_numbers_bars_and_borrowing_and_is_one_text_for_every_viewer()
    {
        SignInAs(new SignedInUser("lena", UserRole.TeamLead, ["nlp"]));
        var update = new TestCluster().Team("vision", nominalGpus: 2).Team("nlp", nominalGpus: 4).Node("gpu-01")
            .Run("gpu-01", [0, 1, 2], "vision", borrowing: true).Update();
        Feed.Publish(update);
        var view = QuotaView.Of(update);
        var vision = view.Teams.Single(t => t.Team == "vision");

        var compact = QuotaRowMarkup.Of(vision, compact: true).Value;
        var full = QuotaRowMarkup.Of(vision, compact: false).Value;

        QuotaRowMarkup.Of(vision, compact: true).Value.Should().BeSameAs(compact, "one text per row, shared by every circuit");
        var member = view.For(new SignedInUser("alice", UserRole.Member, ["vision"])).Teams.Single();
        QuotaRowMarkup.Of(member, compact: true).Value.Should().BeSameAs(compact, "a member sees fewer rows, the same row");

        var page = Render<LiveQuotas>(p => p.Add(t => t.Compact, true).Add(t => t.Id, "quota-panel"));
        var row = page.Find("[data-team='vision']");
        row.QuerySelector("[data-field='used']")!.TextContent.Should().Be("3");
        row.QuerySelector("[data-field='nominal']")!.TextContent.Should().Be("2");
        row.QuerySelector("[data-field='borrowed']")!.TextContent.Should().Be("1");
        row.QuerySelector(".mud-chip-content")!.TextContent.Should().Be("borrowing");
        var bars = row.QuerySelectorAll("[role='progressbar']");
        bars.Select(b => b.GetAttribute("aria-label")).Should().Equal("vision: GPUs used within the nominal quota", "vision: GPUs used, borrowed included");
        bars.Select(b => b.GetAttribute("aria-valuenow")).Should().Equal("66.66666666666667", "100");
        row.QuerySelector(".quota-compact-text")!.TextContent.Should().Be("CPU 4 / 64 cores · Memory 16 / 512 GiB");
        page.Find("[data-team='nlp']").QuerySelectorAll(".mud-chip").Should().BeEmpty("nlp does not borrow");

        var table = Render<LiveQuotas>(p => p.Add(t => t.Id, "quota-page-table"));
        table.Find("[data-team='vision'] [data-resource='cpu'] [role='progressbar']").GetAttribute("aria-label").Should().Be("vision: CPU 4 / 64 cores");
        table.Find("[data-team='vision'] [data-resource='memory'] [role='progressbar']").GetAttribute("aria-valuenow").Should().Be("3.125");
        full.Should().Contain("may borrow up to 8");
    }

    [Fact]
    public void A_team_name_with_markup_in_it_is_shown_as_text()
    {
        const string sneaky = "<img src=x onerror=alert(1)>";
        SignInAs(new SignedInUser("admin", UserRole.Admin, []));
        Feed.Publish(new TestCluster().Team(sneaky).Node("gpu-01").Update());

        var page = Render<LiveQuotas>(p => p.Add(t => t.Compact, true));

        page.FindAll("img").Should().BeEmpty("a team's name is text, never markup");
        page.Find(".quota-team b").TextContent.Should().Be(sneaky);
        page.Find("[role='progressbar']").GetAttribute("aria-label").Should().Be($"{sneaky}: GPUs used within the nominal quota");
    }
}
