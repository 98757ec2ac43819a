using System.Globalization;
using Dashboard.Web.Tests;

namespace Dashboard.Web.Browser.Tests;

/// <summary>The usage page in a real Chromium over 30 days of demo history.</summary>
public sealed class UsageBrowserTests(UsageBrowserTests.Host host) : IClassFixture<UsageBrowserTests.Host>
{
    /// <summary>A browser host whose app wrote 30 days of demo usage history at its first start.</summary>
    public sealed class Host : IAsyncLifetime
    {
        public BrowserHost Browser { get; } = new(new DashboardFactory { UsageDemoHistoryDays = 30 });

        public ValueTask InitializeAsync() => Browser.InitializeAsync();

        public ValueTask DisposeAsync() => Browser.DisposeAsync();
    }

    [Fact]
    public async Task A_team_lead_opens_usage_on_the_demo_history_and_sees_the_charts_and_their_teams_table()
    {
        var page = await host.Browser.OpenAsync("/", user: "lead");
        await page.ClickAsync("#nav-usage");
        await page.WaitForURLAsync(url => url.EndsWith("/usage", StringComparison.Ordinal));
        await BrowserHost.WaitForInteractiveAsync(page);

        await Assertions.Expect(page.Locator("#usage-allocated-chart svg").First).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#usage-efficiency-chart svg").First).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#usage-table [data-field='gpu-hours']")).ToHaveCountAsync(1);
        (await page.Locator("#usage-table [data-field='gpu-hours']").GetAttributeAsync("data-key")).Should().Be("vision");
        var sevenDays = double.Parse((await page.Locator("#usage-table [data-field='gpu-hours']").GetAttributeAsync("data-value"))!, CultureInfo.InvariantCulture);
        sevenDays.Should().BePositive();
        (await page.Locator("#usage-allocated-chart path").CountAsync()).Should().BeGreaterThan(2, "the areas and the capacity line are drawn");

        await page.ClickAsync("#range-30d");
        await Assertions.Expect(page.Locator("#usage-range")).ToHaveAttributeAsync("data-bucket-minutes", "360");
        await page.ClickAsync("#group-user");
        await Assertions.Expect(page.Locator("#usage-table [data-key='alice (vision)']").First).ToBeVisibleAsync();
        (await page.Locator("#usage-table").InnerTextAsync()).Should().NotContain("bob");
        await BrowserHost.ScreenshotAsync(page, "usage-lead-30d-by-user");

        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#usage-table-csv"));
        var csv = await File.ReadAllTextAsync((await download.PathAsync())!, TestContext.Current.CancellationToken);
        csv.Should().StartWith("team,user,gpu_hours").And.Contain("vision,alice,").And.NotContain("nlp,");
    }
}
