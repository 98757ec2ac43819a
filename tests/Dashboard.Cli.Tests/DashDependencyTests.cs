using System.Text.RegularExpressions;
using Dashboard.Engine.Loop;
using Dashboard.Scheduling.Model;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Cli.Tests;

/// <summary>
/// <c>dash submit --after ID:ok|any|notok</c> against the real server: each waiting job says what it waits for in
/// <c>dash show</c>; once the job they name is cancelled the any and notok jobs start and the ok job ends with the
/// reason its dependency can never be met.
/// </summary>
[Collection(nameof(SharedDashServer))]
public sealed partial class DashDependencyTests(DashServer server)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private ClusterEngine Engine => server.Factory.Services.GetRequiredService<ClusterEngine>();

    [Fact]
    public async Task Jobs_after_ok_any_and_notok_wait_as_told_and_a_cancel_starts_two_and_ends_one()
    {
        var first = await SubmitAsync("--hold");
        var ok = await SubmitAsync("--after", $"{first}:ok");
        var any = await SubmitAsync("--after", $"{first}:any");
        var notOk = await SubmitAsync("--after", $"{first}:notok");

        await ExplanationsCaughtUpAsync();
        foreach (var (job, verb) in new[] { (ok, "succeed"), (any, "end"), (notOk, "fail") })
        {
            var shown = await Dash.RunAsync(server, "alice", "show", job.ToString(System.Globalization.CultureInfo.InvariantCulture));
            shown.ExitCode.Should().Be(ExitCodes.Ok, shown.ToString());
            shown.Out.Should().MatchRegex($@"(?m)^Waiting:\s+.*waits for job {first} to {verb}");
        }

        var cancelled = await Dash.RunAsync(server, "alice", "cancel", first.ToString(System.Globalization.CultureInfo.InvariantCulture));
        cancelled.ExitCode.Should().Be(ExitCodes.Ok, cancelled.ToString());

        await Engine.Feed.WaitForAsync(u => u.Snapshot.Pending.Find(new JobId(ok)) is null && u.Snapshot.Pending.Find(new JobId(any)) is null && u.Snapshot.Pending.Find(new JobId(notOk)) is null, TestContext.Current.CancellationToken)
            .WaitAsync(Patience, TestContext.Current.CancellationToken);
        var never = await Dash.RunAsync(server, "alice", "show", ok.ToString(System.Globalization.CultureInfo.InvariantCulture));
        never.Out.Should().MatchRegex($@"(?m)^Reason:\s+dependency never met: job {first} ended Cancelled, and this job was to run only after it succeeded");
        never.Out.Should().NotContain("Started:");
        foreach (var met in new[] { any, notOk })
        {
            var shown = await Dash.RunAsync(server, "alice", "show", met.ToString(System.Globalization.CultureInfo.InvariantCulture));
            shown.Out.Should().MatchRegex(@"(?m)^Started:", "its dependency was met, so it started");
        }
    }

    private async Task<long> SubmitAsync(params string[] control)
    {
        var submitted = await Dash.RunAsync(server, "alice", ["submit", "--team", "vision", "--gpus", "0", "--cpus", "1", "--time", "30m", "--name", "pipeline-step", .. control, "--", "true"]);
        submitted.ExitCode.Should().Be(ExitCodes.Ok, submitted.ToString());
        return long.Parse(SubmittedLine().Match(submitted.Out).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Two round trips through the single writer, then a wait for the waiting jobs' explanations of that state.</summary>
    private async Task ExplanationsCaughtUpAsync()
    {
        for (var trip = 0; trip < 2; trip++)
        {
            (await Engine.CancelAsync(new JobId(0), "tests").WaitAsync(Patience, TestContext.Current.CancellationToken)).Succeeded.Should().BeFalse();
        }

        var version = Engine.Feed.Current?.Version ?? 0;
        await Engine.Feed.WaitForAsync(u => u.ExplanationsVersion >= version, TestContext.Current.CancellationToken).WaitAsync(Patience, TestContext.Current.CancellationToken);
    }

    [GeneratedRegex(@"Submitted job (\d+)")]
    private static partial Regex SubmittedLine();
}
