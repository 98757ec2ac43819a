using Dashboard.Engine.Loop;
using Dashboard.Scheduling.Model;

namespace Dashboard.Web.Browser.Tests;

/// <summary>The Cluster page in a real Chromium: it follows the engine live, without a reload.</summary>
public sealed class ClusterPageBrowserTests(BrowserHost host) : IClassFixture<BrowserHost>
{
    [Fact]
    public async Task A_page_that_never_reloads_sees_a_job_take_GPU_tiles_and_give_them_back()
    {
        var page = await host.OpenAsync("/");
        await Assertions.Expect(page.Locator(".node-card")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator(".gpu-tile.free")).ToHaveCountAsync(8);

        var engine = host.Service<ClusterEngine>();
        var spec = new JobSpec("browser-live", "alice", "vision", "python train.py", new ResourceRequest(2, 4000, 8192), Walltime: TimeSpan.FromHours(1));
        var submitted = await engine.SubmitAsync(spec, "alice");
        submitted.Succeeded.Should().BeTrue(submitted.Reason);
        var job = submitted.Job!.Value;

        var tiles = page.Locator($".gpu-tile.allocated[data-job='{job}']");
        await Assertions.Expect(tiles).ToHaveCountAsync(2);
        (await tiles.First.GetAttributeAsync("style")).Should().Contain("background-color");
        (await tiles.First.GetAttributeAsync("data-team")).Should().Be("vision");

        var cancelled = await engine.CancelAsync(job, "alice");
        cancelled.Succeeded.Should().BeTrue(cancelled.Reason);

        await Assertions.Expect(tiles).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator(".gpu-tile.free")).ToHaveCountAsync(8);
    }

    [Fact]
    public async Task An_allocation_updates_its_own_tile_in_place_and_leaves_the_other_tiles_alone()
    {
        var page = await host.OpenAsync("/");
        await Assertions.Expect(page.Locator(".gpu-tile.free")).ToHaveCountAsync(8);
        await page.EvaluateAsync("() => document.querySelectorAll('.gpu-tile').forEach(tile => tile.__before = true)");

        var engine = host.Service<ClusterEngine>();
        var spec = new JobSpec("in-place", "alice", "vision", "python train.py", new ResourceRequest(1, 1000, 1024), Walltime: TimeSpan.FromHours(1));
        var submitted = await engine.SubmitAsync(spec, "alice");
        submitted.Succeeded.Should().BeTrue(submitted.Reason);
        var job = submitted.Job!.Value;
        try
        {
            await Assertions.Expect(page.Locator($".gpu-tile.allocated[data-job='{job}']")).ToHaveCountAsync(1);

            var kept = await page.EvaluateAsync<int>("() => [...document.querySelectorAll('.gpu-tile')].filter(tile => tile.__before).length");
            kept.Should().Be(8, "every tile, the newly held one too, is the element it was: none is removed and created again");
        }
        finally
        {
            await engine.CancelAsync(job, "alice");
            await Assertions.Expect(page.Locator(".gpu-tile.free")).ToHaveCountAsync(8);
        }

        var keptAfterRelease = await page.EvaluateAsync<int>("() => [...document.querySelectorAll('.gpu-tile')].filter(tile => tile.__before).length");
        keptAfterRelease.Should().Be(8, "a release, too, updates the tile in place");
    }

    [Fact]
    public async Task What_a_live_update_changes_is_contained_so_the_rest_of_the_page_is_not_laid_out_again()
    {
        var page = await host.OpenAsync("/");
        await Assertions.Expect(page.Locator(".node-card").First).ToBeAttachedAsync();

        async Task<string> Contain(string selector) =>
            await page.EvaluateAsync<string>("selector => getComputedStyle(document.querySelector(selector)).contain", selector);

        (await Contain(".node-card")).Should().Be("layout style", "a card is not paint-contained: a tile's hover card overflows it");
        (await Contain(".gpu-tile")).Should().Be("strict");
        (await Contain("#quota-panel")).Should().Be("content", "Chromium writes layout style paint as content");
        (await Contain("#cluster-totals")).Should().Be("content");
    }

    [Fact]
    public async Task Live_bars_jump_to_a_new_value_instead_of_animating_in_every_open_tab()
    {
        var page = await host.OpenAsync("/");
        await Assertions.Expect(page.Locator(".usage-bar .mud-progress-linear-bar").First).ToBeAttachedAsync();
        await Assertions.Expect(page.Locator("#quota-panel .mud-progress-linear-bar").First).ToBeAttachedAsync();

        var durations = await page.EvaluateAsync<string[]>(
            "() => [...document.querySelectorAll('.usage-bar .mud-progress-linear-bar, #quota-panel .mud-progress-linear-bar')]" +
            ".map(bar => getComputedStyle(bar).transitionDuration)");

        durations.Should().NotBeEmpty().And.OnlyContain(duration => duration == "0s");
        var elsewhere = await page.EvaluateAsync<string>(
            "() => { const bar = document.createElement('div'); bar.className = 'mud-progress-linear'; bar.innerHTML = '<div class=\"mud-progress-linear-bar\"></div>';" +
            " document.body.appendChild(bar); const duration = getComputedStyle(bar.firstChild).transitionDuration; bar.remove(); return duration; }");
        elsewhere.Should().Be("0.2s", "bars outside the live views keep MudBlazor's animation");
    }

    [Fact]
    public async Task A_GPU_tile_shows_who_holds_it_while_hovered_or_focused()
    {
        var page = await host.OpenAsync("/");
        await Assertions.Expect(page.Locator(".gpu-tile.free")).ToHaveCountAsync(8);
        var engine = host.Service<ClusterEngine>();
        var spec = new JobSpec("hover-card", "alice", "vision", "python train.py", new ResourceRequest(1, 1000, 1024), Walltime: TimeSpan.FromHours(1));
        var submitted = await engine.SubmitAsync(spec, "alice");
        submitted.Succeeded.Should().BeTrue(submitted.Reason);
        var job = submitted.Job!.Value;
        try
        {
            var tile = page.Locator($".gpu-tile.allocated[data-job='{job}']");
            var card = page.Locator($".gpu-slot:has(.gpu-tile[data-job='{job}']) .gpu-hover-card");
            await Assertions.Expect(tile).ToHaveCountAsync(1);
            await Assertions.Expect(card).ToBeHiddenAsync();

            await tile.HoverAsync();
            await Assertions.Expect(card).ToBeVisibleAsync();
            await Assertions.Expect(card).ToContainTextAsync($"Job #{job} hover-card");
            await Assertions.Expect(card).ToContainTextAsync("Owner alice (vision)");
            await Assertions.Expect(card).ToContainTextAsync("Expected end");
            var (tileBox, cardBox) = (await tile.BoundingBoxAsync(), await card.BoundingBoxAsync());
            (cardBox!.Y + cardBox.Height).Should().BeLessThanOrEqualTo(tileBox!.Y, "the card opens above the tile, whole, not clipped inside it");
            cardBox.X.Should().BeGreaterThanOrEqualTo(0, "the card stays on screen, also for the first tile of a row");
            (cardBox.X + cardBox.Width).Should().BeLessThanOrEqualTo(page.ViewportSize!.Width);

            await page.Mouse.MoveAsync(0, 0);
            await Assertions.Expect(card).ToBeHiddenAsync();

            await tile.FocusAsync(); // what a tap on the focusable tile does
            await Assertions.Expect(card).ToBeVisibleAsync();
        }
        finally
        {
            await engine.CancelAsync(job, "alice");
            await Assertions.Expect(page.Locator(".gpu-tile.free")).ToHaveCountAsync(8);
        }
    }
}
