using System.Text.RegularExpressions;
using Dashboard.Engine.Loop;
using Dashboard.Scheduling.Model;
using Dashboard.Web.Tests;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Cli.Tests;

/// <summary>
/// <c>dash sweep resubmit-failed</c> on a sweep of real processes, on a server whose own host is its only node (demo
/// nodes only pretend to run a job and always exit 0): each first attempt fails with exit 3, each resubmitted one
/// succeeds, and <c>dash sweep show</c> reads the sweep's progress before and after.
/// </summary>
public sealed partial class DashSweepResubmitTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly DashServer server = new(new DashboardFactory
    {
        LocalNode = true,
        Settings = new Dictionary<string, string> { ["Cluster:DemoNodes:Enabled"] = "false" },
    });

    public ValueTask InitializeAsync() => server.InitializeAsync();

    public ValueTask DisposeAsync() => server.DisposeAsync();

    [Fact]
    public async Task A_sweeps_failed_jobs_are_resubmitted_from_the_terminal_and_their_success_shows_in_its_progress()
    {
        // A sweep's job N has id sweep + N; a resubmitted attempt gets a new id, so it takes the other branch. One at a
        // time: two jobs ending at the same instant on this host can be marked failed for a process left running.
        var submitted = await Dash.RunAsync(server, "alice", "submit", "--team", "vision", "--gpus", "0", "--cpus", "0.5", "--mem", "256M", "--time", "10m",
            "--name", "flaky", "--sweep", "seed=1,2", "--max-running", "1", "--", "[ \"$DASHBOARD_JOB_ID\" -eq $((DASH_SWEEP_ID + DASH_SWEEP_INDEX)) ] && exit 3; exit 0");
        submitted.ExitCode.Should().Be(ExitCodes.Ok, submitted.ToString());
        var match = SubmittedSweep().Match(submitted.Out);
        match.Success.Should().BeTrue(submitted.ToString());
        var sweep = long.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        await EndedAsync(sweep, sweep + 1);

        var failed = await Dash.RunAsync(server, "alice", "sweep", "show", sweep.ToString(System.Globalization.CultureInfo.InvariantCulture));
        failed.Out.Should().StartWith($"Sweep {sweep} flaky (alice/vision): 0/2 done, 2 failed; jobs ");

        var byBob = await Dash.RunAsync(server, "bob", "sweep", "resubmit-failed", sweep.ToString(System.Globalization.CultureInfo.InvariantCulture));
        byBob.ExitCode.Should().Be(ExitCodes.Forbidden, byBob.ToString());
        var resubmitted = await Dash.RunAsync(server, "alice", "sweep", "resubmit-failed", sweep.ToString(System.Globalization.CultureInfo.InvariantCulture));
        resubmitted.ExitCode.Should().Be(ExitCodes.Ok, resubmitted.ToString());
        var again = ResubmittedAs().Match(resubmitted.Out);
        again.Success.Should().BeTrue(resubmitted.ToString());
        var copies = again.Groups[1].Value.Split(", ").Select(id => long.Parse(id, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        copies.Should().HaveCount(2).And.OnlyContain(id => id > sweep + 1);
        await EndedAsync(copies);

        var done = await Dash.RunAsync(server, "alice", "sweep", "show", sweep.ToString(System.Globalization.CultureInfo.InvariantCulture));
        done.Out.Should().StartWith($"Sweep {sweep} flaky (alice/vision): 2/2 done; jobs ");
        var nothingLeft = await Dash.RunAsync(server, "alice", "sweep", "resubmit-failed", sweep.ToString(System.Globalization.CultureInfo.InvariantCulture));
        nothingLeft.ExitCode.Should().Be(ExitCodes.Refused, nothingLeft.ToString());
    }

    /// <summary>Waits on the engine's feed until none of <paramref name="jobs"/> waits or runs.</summary>
    private async Task EndedAsync(params long[] jobs)
    {
        var feed = server.Factory.Services.GetRequiredService<ClusterEngine>().Feed;
        await feed.WaitForAsync(
                u => jobs.All(id => u.Snapshot.Pending.Find(new JobId(id)) is null && u.Snapshot.Running.All(r => r.Job.Id.Value != id)),
                TestContext.Current.CancellationToken)
            .WaitAsync(Patience, TestContext.Current.CancellationToken);
    }

    [GeneratedRegex(@"^Submitted sweep (\d+): 2 jobs")]
    private static partial Regex SubmittedSweep();

    [GeneratedRegex(@"resubmitted as ([\d, ]+)\.")]
    private static partial Regex ResubmittedAs();
}
