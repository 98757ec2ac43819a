using System.Collections.Immutable;
using System.Text.RegularExpressions;
using Dashboard.Data.Users;
using Dashboard.Engine.Feed;
using Dashboard.Scheduling.Elastic;
using Dashboard.Web.Cluster;
using Dashboard.Web.Identity;

namespace Dashboard.Web.Components.Tests.Cluster;

/// <summary>
/// The elastic pools panel is plain markup in MudBlazor's classes (no MudPaper, MudStack, MudText, MudChip or MudButton
/// components held by every Cluster-page circuit): it draws what those components drew (<see cref="MudElasticPoolsPanel"/>
/// keeps the component version as the reference), for members and admins, a paused and a running pool, while a toggle
/// is under way, and what people named stays text.
/// </summary>
public sealed partial class ElasticPoolsPanelMarkupTests : ComponentTest
{
    private static readonly DateTimeOffset At = new(2026, 11, 28, 9, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void The_panel_draws_what_MudBlazors_components_drew(bool admin, bool paused)
    {
        SignInAs(admin ? new SignedInUser("root", UserRole.Admin, []) : new SignedInUser("alice", UserRole.Member, ["vision"]));
        var pools = Pools(paused);

        var mud = Render<MudElasticPoolsPanel>(p => p.Add(c => c.Pools, pools));
        var plain = Render<ElasticPoolsPanel>(p => p.Add(c => c.Pools, pools));

        plain.MarkupMatches(WithoutRandomIds(mud.Markup));
        plain.FindAll("[data-action]").Count.Should().Be(admin ? 2 : 0, "only admins may pause or resume a pool");
    }

    [Fact]
    public async Task While_a_toggle_is_under_way_the_buttons_are_disabled_as_MudButton_drew_them_and_a_second_click_sends_nothing()
    {
        SignInAs(new SignedInUser("root", UserRole.Admin, []));
        var pools = Pools(paused: false);
        PoolCommands.Hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var plain = Render<ElasticPoolsPanel>(p => p.Add(c => c.Pools, pools));

        await Click(plain, "[data-pool='burst'] [data-action='pause-pool']");

        var mud = Render<MudElasticPoolsPanel>(p => p.Add(c => c.Pools, pools).Add(c => c.Busy, true));
        plain.MarkupMatches(WithoutRandomIds(mud.Markup));
        plain.FindAll("button[disabled]").Should().HaveCount(2);
        await plain.InvokeAsync(() => plain.Find("[data-pool='spot'] [data-action='resume-pool']").Click());
        PoolCommands.Sent.Should().Equal([("burst", true, "root")], "a disabled toggle sends nothing");

        PoolCommands.Hold.SetResult();
        plain.WaitForAssertion(() => plain.FindAll("button[disabled]").Should().BeEmpty(), Patience);
        plain.MarkupMatches(WithoutRandomIds(Render<MudElasticPoolsPanel>(p => p.Add(c => c.Pools, pools)).Markup));
    }

    [Fact]
    public void What_people_and_providers_named_is_shown_as_text()
    {
        const string sneaky = "<img src=x onerror=alert(1)>";
        var pool = Pools(paused: false)[0] with { Name = sneaky, LastError = sneaky, Activity = sneaky };

        var plain = Render<ElasticPoolsPanel>(p => p.Add(c => c.Pools, [pool]));

        plain.FindAll("img").Should().BeEmpty();
        plain.Find(".elastic-pool b").TextContent.Should().Be(sneaky);
        plain.Find(".pool-error").TextContent.Should().Be("Provider error: " + sneaky);
        plain.Find(".pool-action").TextContent.Should().Contain("for <b>11</b> jobs");
    }

    /// <summary>MudChip gives its container a new random id (for its chip set's scripts, which a lone chip never calls) and MudPaper an empty style.</summary>
    private static string WithoutRandomIds(string markup) => EmptyStyle().Replace(ChipContainerId().Replace(markup, ""), "");

    private static ImmutableArray<ElasticPoolStatus> Pools(bool paused) =>
        [Pool("burst", paused, error: "zone eu-1 is busy", actions: true), Pool("spot", !paused, error: null, actions: false)];

    private static ElasticPoolStatus Pool(string name, bool paused, string? error, bool actions) =>
        new(name, "simulated", "8 × A100-80GB, 64 cores, 512 GiB", 0, 4, 1, 2, 0, 0, paused,
            paused ? "scaling paused by an admin" : "scaling up", error, ImmutableDictionary<string, string>.Empty)
        {
            RecentActions = actions
                ? [new ScaleAction(At.AddSeconds(30), name, ScaleActionKind.ScaleUp, "system", ["burst-1", "burst-2"], "for <b>11</b> jobs")]
                : [],
        };

    [GeneratedRegex(@" id=""chip-container-[0-9a-f-]+""")]
    private static partial Regex ChipContainerId();

    [GeneratedRegex(@" style=""""")]
    private static partial Regex EmptyStyle();
}
