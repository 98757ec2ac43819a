namespace Dashboard.Web.Browser.Tests;

/// <summary>Quotas in a real Chromium: an admin's change reaches another person's open page live.</summary>
public sealed class QuotaBrowserTests(BrowserHost host) : IClassFixture<BrowserHost>
{
    [Fact]
    public async Task An_admins_quota_change_shows_on_a_team_leads_open_cluster_page_without_reload()
    {
        var lead = await host.OpenAsync("/", user: "lead");
        var nominal = lead.Locator("#quota-panel [data-team='vision'] [data-field='nominal']");
        await Assertions.Expect(nominal).ToHaveTextAsync("12");
        await lead.EvaluateAsync("() => { window.sameDocument = true; }");

        var admin = await host.OpenAsync("/admin/quotas", user: "admin");
        await admin.FillAsync("#quota-vision-nominal-gpus", "3");
        await admin.PressAsync("#quota-vision-nominal-gpus", "Tab");
        await admin.ClickAsync("#save-quota-vision");
        await Assertions.Expect(admin.Locator("#quota-change-summary")).ToContainTextAsync("nominal GPUs 12 → 3; ceiling GPUs ");
        await admin.ClickAsync("#confirm-quota");

        await Assertions.Expect(nominal).ToHaveTextAsync("3");
        (await lead.EvaluateAsync<bool>("() => window.sameDocument === true")).Should().BeTrue("the Cluster page was not reloaded");
        await BrowserHost.ScreenshotAsync(lead, "quota-change-on-lead-cluster-page");
        await BrowserHost.ScreenshotAsync(admin, "admin-quotas-after-save");
    }
}
