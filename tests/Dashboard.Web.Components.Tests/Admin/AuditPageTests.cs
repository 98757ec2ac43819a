using Dashboard.Data.Audit;
using Dashboard.Data.Writing;
using Dashboard.Web.Admin;

namespace Dashboard.Web.Components.Tests.Admin;

public sealed class AuditPageTests : AdminPageTest
{
    private const string AuditChangeNothing = Dashboard.Web.Audit.AuditChange.Nothing;

    public AuditPageTests()
    {
        var start = Data.Time.GetUtcNow();
        using var writer = new ClusterWriter(Data.Database);
        var entries = new List<ClusterChange>();
        for (var i = 0; i < 30; i++)
        {
            entries.Add(new AuditAppended(new AuditEntry(start.AddMinutes(i), i % 2 == 0 ? "alice" : "bob", "job.submit", $"job:{i}", null, $"{{\"gpus\":{i}}}")));
        }

        entries.Add(new AuditAppended(new AuditEntry(start.AddMinutes(40), "root", "quota.set", "team:vision", "{\"gpus\":8,\"weight\":1}", "{\"gpus\":16,\"weight\":1}")));
        writer.Write(entries);
    }

    [Fact]
    public void The_grid_shows_the_newest_page_with_the_total_and_the_change_compactly()
    {
        var page = Render<AuditPage>();

        page.WaitForAssertion(() => page.Find("#audit-total").TextContent.Should().Be("31 matching entries"), Patience);
        var rows = page.FindAll("#audit-grid tbody tr.mud-table-row");
        rows.Should().HaveCount(25, "a page holds 25 rows");
        rows[0].TextContent.Should().Contain("root").And.Contain("quota.set").And.Contain("team:vision");
        rows[0].QuerySelectorAll(".audit-change-line").Select(l => l.TextContent).Should().Equal(["GPUs 8 → 16"], "only what changed, by name");
        rows[1].TextContent.Should().Contain("job:29");
        rows[1].QuerySelectorAll(".audit-change-line").Select(l => l.TextContent).Should().Equal("GPUs 29");
        // The raw record on demand: a closed expander holding both sides as stored.
        var raw = rows[0].QuerySelector("details.audit-raw")!;
        raw.HasAttribute("open").Should().BeFalse();
        raw.QuerySelector("summary")!.TextContent.Should().Be("Raw record");
        raw.QuerySelectorAll("pre").Select(p => p.TextContent).Should().Equal("{\"gpus\":8,\"weight\":1}", "{\"gpus\":16,\"weight\":1}");
        rows[1].QuerySelectorAll("pre").Select(p => p.TextContent).Should().Equal(AuditChangeNothing, "{\"gpus\":29}");
        rows[0].QuerySelector(".audit-time")!.GetAttribute("style").Should().Contain("white-space: nowrap", "a time stays on one line");
        page.Find("#audit-export").GetAttribute("href").Should().Be("admin/audit.csv");
        page.Find("#audit-export").HasAttribute("download").Should().BeTrue("the router leaves a download link to the browser");
    }

    [Fact]
    public void Filters_query_the_store_and_the_export_link_carries_them()
    {
        var page = Render<AuditPage>();

        Field(page, "audit-actor").Change("bob");
        page.WaitForAssertion(() => page.Find("#audit-total").TextContent.Should().Be("15 matching entries"), Patience);
        Field(page, "audit-target").Change("job:1");
        page.WaitForAssertion(() => page.Find("#audit-total").TextContent.Should().Be("6 matching entries"), Patience);
        page.FindAll("#audit-grid tbody tr.mud-table-row").Select(r => r.QuerySelectorAll("td")[3].TextContent)
            .Should().Equal("job:19", "job:17", "job:15", "job:13", "job:11", "job:1");
        page.Find("#audit-export").GetAttribute("href").Should().Be("admin/audit.csv?actor=bob&target=job%3A1");

        Field(page, "audit-actor").Change("");
        Field(page, "audit-target").Change("");
        Field(page, "audit-action").Change("quota.");
        page.WaitForAssertion(() => page.Find("#audit-total").TextContent.Should().Be("1 matching entry"), Patience);
    }

    [Fact]
    public void A_bad_time_shows_a_message_and_a_range_narrows_the_entries()
    {
        var page = Render<AuditPage>();

        Field(page, "audit-from").Change("yesterday");
        page.Markup.Should().Contain("A time in UTC, like 2026-01-31T14:30.");

        Field(page, "audit-from").Change("2026-01-05T09:10");
        Field(page, "audit-to").Change("2026-01-05T09:12");
        page.WaitForAssertion(() => page.Find("#audit-total").TextContent.Should().Be("2 matching entries"), Patience);
        page.Markup.Should().NotContain("A time in UTC");

        Field(page, "audit-to").Change("2026-01-05T09:00");
        page.Markup.Should().Contain("'To' must be later than 'from'.");
    }

    [Fact]
    public void Nothing_matching_says_so()
    {
        var page = Render<AuditPage>();

        Field(page, "audit-actor").Change("nobody");

        page.WaitForAssertion(() => page.Find("#audit-empty").TextContent.Should().Be("No audit entries match these filters."), Patience);
    }

    private static AngleSharp.Dom.IElement Field(IRenderedComponent<AuditPage> page, string id)
    {
        var element = page.Find($"#{id}");
        return element.TagName == "INPUT" ? element : element.QuerySelector("input")!;
    }
}
