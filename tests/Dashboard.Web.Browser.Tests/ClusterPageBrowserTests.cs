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
}
