using System.Net;
using Dashboard.Api.Contracts;

namespace Dashboard.Web.Tests.Api;

/// <summary>
/// What a job's owner sees when the job's folder grows past Executor:MaxJobDiskBytes: a real local job through the
/// API ends Failed with the size it wrote and the limit as its end reason (the job page shows the same reason). The
/// host's disk check runs every 200 ms here; the test waits on the job's state, never on the clock.
/// </summary>
public sealed class JobDiskLimitApiTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_job_that_writes_past_its_disk_limit_ends_Failed_with_what_it_wrote_and_the_limit()
    {
        await using var host = new ApiHost(new DashboardFactory
        {
            LocalNode = true,
            Settings = new Dictionary<string, string>
            {
                ["Executor:MaxJobDiskBytes"] = (4 * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Executor:DiskCheckInterval"] = "00:00:00.200",
            },
        });
        await host.InitializeAsync();
        var alice = host.As("alice");
        using var content = ApiHost.Json("""
            {"name": "filler", "command": "i=0; while [ $i -lt 40 ]; do head -c 262144 /dev/zero > f$i; i=$((i+1)); done; exec sleep 300", "team": "vision", "cpu": 0.1, "memory": 0.0625, "walltime": "10m"}
            """);
        using var submitted = await alice.PostAsync(new Uri(ApiRoutes.Jobs, UriKind.Relative), content, Cancel);
        submitted.StatusCode.Should().Be(HttpStatusCode.Created);
        var id = long.Parse(submitted.Headers.Location!.ToString().Split('/')[^1], System.Globalization.CultureInfo.InvariantCulture);

        var job = await host.JobOnceAsync(alice, id, ApiHost.HasEnded(id));

        job.State.Should().Be("Failed");
        job.Allocation!.Node.Should().Be(DashboardFactory.LocalNodeName);
        job.ExitCode.Should().BeNull();
        job.EndReason.Should().MatchRegex(@"^wrote \d+(\.\d)? MiB into its folder, over the 4 MiB limit per job$");
    }
}
