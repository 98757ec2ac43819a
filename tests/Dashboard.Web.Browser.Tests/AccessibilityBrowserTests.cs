using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using Dashboard.Engine.Loop;
using Dashboard.Scheduling.Model;
using Dashboard.Web.Components.Layout;
using Dashboard.Web.Identity;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;

namespace Dashboard.Web.Browser.Tests;

/// <summary>
/// axe-core over every routable page of the web assembly (found by its [Route] attributes, so a page added later is
/// covered without a change here), as each role that may open it, in the light and the dark theme: no critical and no
/// serious violation. One browser, one context per role and theme.
/// </summary>
public sealed partial class AccessibilityBrowserTests(BrowserHost host) : IClassFixture<BrowserHost>
{
    private static readonly string[] Roles = ["alice", "lead", "admin"];

    /// <summary>axe reports only violations (it then stops collecting every passing node: much faster).</summary>
    private static readonly AxeRunOptions EveryRule = new() { ResultTypes = [ResultType.Violations] };

    /// <summary>
    /// In the dark theme only the rules about colour can come out otherwise than in the light one (the markup is the
    /// same), so the dark pass runs those, in half the time of the whole set.
    /// </summary>
    private static readonly AxeRunOptions ColourRules = new()
    {
        ResultTypes = [ResultType.Violations],
        RunOnly = new RunOnlyOptions { Type = "rule", Values = ["color-contrast", "link-in-text-block"] },
    };

    [Fact]
    public async Task Every_page_for_every_role_in_light_and_dark_has_no_serious_or_critical_violation()
    {
        var routes = Routes();
        routes.Select(r => r.Template).Should().Contain(["/", "/jobs", "/usage", "/admin/audit", "/account/login"], "the routes are found by reflection");
        var values = await RouteValuesAsync();
        var found = new StringBuilder();
        var visits = 0;
        var clock = System.Diagnostics.Stopwatch.StartNew();

        foreach (var dark in new[] { false, true })
        {
            foreach (var user in Roles.Prepend(null))
            {
                var pages = routes.Where(r => r.AllowedTo(user)).ToList();
                var page = await OpenAsync(user, dark);
                foreach (var route in pages)
                {
                    var path = route.PathWith(values);
                    await page.GotoAsync(new Uri(host.BaseAddress, path.TrimStart('/')).ToString());
                    if (route.Interactive)
                    {
                        await BrowserHost.WaitForInteractiveAsync(page);
                        await Assertions.Expect(page.Locator("main h1")).ToHaveCountAsync(1);
                    }

                    await Assertions.Expect(page.Locator("main")).ToHaveCountAsync(1);
                    var result = await page.RunAxe(dark ? ColourRules : EveryRule);
                    visits++;
                    foreach (var violation in result.Violations.Where(v => v.Impact is "serious" or "critical"))
                    {
                        found.AppendLine(System.Globalization.CultureInfo.InvariantCulture, $"{path} as {user ?? "anonymous"}, {(dark ? "dark" : "light")}: {violation.Id} ({violation.Impact}) {violation.Help}");
                        foreach (var node in violation.Nodes.Take(5))
                        {
                            found.AppendLine(System.Globalization.CultureInfo.InvariantCulture, $"    {node.Target}: {node.Html}");
                        }
                    }
                }

                await page.Context.CloseAsync();
            }
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"axe checked {visits} page views in {clock.Elapsed.TotalSeconds:F0} s.");
        found.ToString().Should().BeEmpty("no page may have a critical or serious accessibility violation");
    }

    /// <summary>A context signed in as <paramref name="user"/> (or anonymous), with the theme cookie set.</summary>
    private async Task<IPage> OpenAsync(string? user, bool dark)
    {
        IPage page;
        if (user is null)
        {
            var context = await host.Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 800 } });
            context.SetDefaultTimeout((float)BrowserHost.Patience.TotalMilliseconds);
            page = await context.NewPageAsync();
        }
        else
        {
            page = await host.OpenAsync("/account/tokens", user, 1280, 800);
        }

        await page.Context.AddCookiesAsync([new Cookie
        {
            Name = ThemeChoice.CookieName, Value = ThemeChoice.ValueOf(dark), Url = host.BaseAddress.ToString(),
        }]);
        return page;
    }

    /// <summary>Values for the routes' parameters, made for real: a job of alice's in team vision (seen by lead and admin too).</summary>
    private async Task<IReadOnlyDictionary<string, string>> RouteValuesAsync()
    {
        var engine = host.Service<ClusterEngine>();
        var submitted = await engine.SubmitAsync(
            new JobSpec("axe-check", "alice", "vision", "python train.py", new ResourceRequest(1, 1000, 1024), Walltime: TimeSpan.FromHours(1)), "alice");
        submitted.Succeeded.Should().BeTrue(submitted.Reason);
        return new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["Id"] = submitted.Job!.Value.ToString() };
    }

    /// <summary>Every [Route] of the web assembly with who may open it.</summary>
    private static List<PageRoute> Routes() =>
        [.. typeof(ThemeChoice).Assembly.GetTypes()
            .Where(type => typeof(IComponent).IsAssignableFrom(type))
            .SelectMany(type => type.GetCustomAttributes<RouteAttribute>().Select(route => new PageRoute(
                route.Template,
                type.IsDefined(typeof(AllowAnonymousAttribute)),
                type.GetCustomAttributes<AuthorizeAttribute>().Select(a => a.Policy).FirstOrDefault(),
                !type.IsDefined(typeof(Microsoft.AspNetCore.Components.ExcludeFromInteractiveRoutingAttribute)))))
            .OrderBy(route => route.Template, StringComparer.Ordinal)];

    private sealed record PageRoute(string Template, bool Anonymous, string? Policy, bool Interactive)
    {
        /// <summary>Anonymous pages are checked once, without a sign-in; the others for each role the policy lets in.</summary>
        public bool AllowedTo(string? user) => user is null
            ? Anonymous
            : !Anonymous && Policy switch
            {
                null => true,
                Permissions.AdminPolicy => user == "admin",
                Permissions.TeamLeadPolicy => user is "lead" or "admin",
                _ => throw new InvalidOperationException($"{Template}: say here which roles the policy {Policy} lets in."),
            };

        public string PathWith(IReadOnlyDictionary<string, string> values) => Parameter().Replace(Template, match =>
            values.TryGetValue(match.Groups["name"].Value, out var value)
                ? value
                : throw new InvalidOperationException($"{Template}: make data for its parameter {match.Groups["name"].Value} in RouteValuesAsync."));
    }

    [GeneratedRegex(@"\{(?<name>[A-Za-z_][A-Za-z0-9_]*)(:[^}]*)?\??\}")]
    private static partial Regex Parameter();
}
