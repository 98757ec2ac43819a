using System.Text.Json;
using System.Text.RegularExpressions;

namespace Dashboard.Cli.Tests;

/// <summary><c>dash notifications</c> against a real server: your notifications as a table and as JSON, and marking them read.</summary>
[Collection(nameof(SharedDashServer))]
public sealed partial class NotificationsCommandTests(DashServer server)
{
    [Fact]
    public async Task A_started_job_is_listed_in_its_owners_notifications_and_mark_read_clears_it()
    {
        var submitted = await Dash.RunAsync(server, "bob", "submit", "--gpus", "0", "--cpus", "1", "--time", "30m", "--team", "nlp", "--name", "notified", "--", "sleep 60");
        submitted.ExitCode.Should().Be(0, submitted.ToString());
        var id = SubmittedLine().Match(submitted.Out).Groups[1].Value;
        submitted.Out.Should().Contain("Running on", "a demo node is free, so the job started in its submit's batch");

        var listed = await Dash.RunAsync(server, "bob", "notifications", "--unread");
        listed.ExitCode.Should().Be(0, listed.ToString());
        listed.Out.Split('\n')[0].Should().Contain("WHEN").And.Contain("WHAT").And.Contain("JOB");
        listed.Out.Split('\n').Should().Contain(l => l.StartsWith('*') && l.Contains($"Job {id} \"notified\" started") && l.TrimEnd().EndsWith(" " + id, StringComparison.Ordinal));
        listed.Error.Should().MatchRegex(@"\(\d+ unread\)");

        var json = await Dash.RunAsync(server, "bob", "notifications", "--json", "--mark-read");
        json.ExitCode.Should().Be(0, json.ToString());
        var items = JsonDocument.Parse(json.Out).RootElement.GetProperty("items").EnumerateArray().ToList();
        items.Should().Contain(i => i.GetProperty("job").GetInt64() == long.Parse(id, System.Globalization.CultureInfo.InvariantCulture) && i.GetProperty("kind").GetString() == "job.started");

        var after = await Dash.RunAsync(server, "bob", "notifications", "--unread");
        after.ExitCode.Should().Be(0, after.ToString());
        after.Out.Should().NotContain($"Job {id} ");
        after.Error.Should().Contain("(0 unread)");

        var others = await Dash.RunAsync(server, "alice", "notifications");
        others.Out.Should().NotContain($"Job {id} \"notified\"", "alice sees only her own");
    }

    [GeneratedRegex(@"^Submitted job (\d+) \(")]
    private static partial Regex SubmittedLine();
}
