namespace Dashboard.Web.Browser.Tests;

/// <summary>The admin Nodes page in a real Chromium: drain with a reason, then resume, each shown live.</summary>
public sealed class NodesBrowserTests(BrowserHost host) : IClassFixture<BrowserHost>
{
    [Fact]
    public async Task An_admin_drains_a_node_with_a_reason_and_resumes_it()
    {
        var admin = await host.OpenAsync("/admin/nodes", user: "admin");
        var row = admin.Locator("[data-node='demo-gpu-01']");
        await Assertions.Expect(row.Locator("[data-field='state']")).ToHaveTextAsync("Ready");

        await row.Locator("[data-action='drain']").ClickAsync();
        await Assertions.Expect(admin.Locator("#node-action-consequence")).ToContainTextAsync("Running jobs finish normally");
        await admin.ClickAsync("#confirm-node-action");
        await Assertions.Expect(admin.Locator("#node-reason-error")).ToContainTextAsync("Say why");
        await admin.FillAsync("#node-reason", "driver update");
        await admin.PressAsync("#node-reason", "Tab");
        await admin.ClickAsync("#confirm-node-action");

        await Assertions.Expect(row.Locator("[data-field='state']")).ToHaveTextAsync("Draining");
        await Assertions.Expect(row.Locator("[data-field='reason']")).ToHaveTextAsync("driver update");
        await BrowserHost.ScreenshotAsync(admin, "admin-nodes-drained");

        await row.Locator("[data-action='resume']").ClickAsync();
        await admin.ClickAsync("#confirm-node-action");
        await Assertions.Expect(row.Locator("[data-field='state']")).ToHaveTextAsync("Ready");
        await Assertions.Expect(row.Locator("[data-field='reason']")).ToHaveTextAsync("");
    }
}
