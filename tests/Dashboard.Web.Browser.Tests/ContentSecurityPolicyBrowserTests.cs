namespace Dashboard.Web.Browser.Tests;

/// <summary>
/// The pages run under their Content-Security-Policy in a real Chromium: every page becomes interactive, a MudBlazor
/// popover (the team list) opens, and the browser reports no violation of the policy on the way.
/// </summary>
public sealed class ContentSecurityPolicyBrowserTests(BrowserHost host) : IClassFixture<BrowserHost>
{
    private const string RecordViolations =
        "window.__cspViolations = []; document.addEventListener('securitypolicyviolation', e => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));";

    [Fact]
    public async Task Every_page_works_under_the_policy_without_a_violation()
    {
        var page = await host.OpenAsync("/", user: "admin");
        var console = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
            {
                console.Add(message.Text);
            }
        };
        await page.AddInitScriptAsync(RecordViolations);
        var violations = new List<string>();

        foreach (var path in new[] { "/", "/jobs", "/jobs/new", "/usage", "/admin/quotas", "/admin/nodes", "/account/tokens" })
        {
            await host.GoToAsync(page, path);
            if (path == "/jobs/new")
            {
                await page.Locator(".job-team-select").First.ClickAsync();
                await Assertions.Expect(page.Locator(".mud-popover-open").First).ToBeVisibleAsync();
                await page.Keyboard.PressAsync("Escape");
            }

            violations.AddRange((await page.EvaluateAsync<string[]>("() => window.__cspViolations")).Select(v => $"{path}: {v}"));
        }

        violations.Should().BeEmpty();
        console.Should().BeEmpty();
    }
}
