using System.Globalization;
using System.Text.RegularExpressions;
using Dashboard.Cli;
using Dashboard.Engine.Feed;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Cli.Tests;

/// <summary><c>dash reservation book|ls|edit|cancel</c> and <c>dash submit --reservation</c> against a real server.</summary>
[Collection(nameof(SharedDashServer))]
public sealed partial class DashReservationTests(DashServer server)
{
    [Fact]
    public async Task A_lead_books_lists_and_cancels_a_member_submits_into_it_and_a_member_may_not_book()
    {
        var tomorrow = server.Factory.Services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime.Date.AddDays(1);
        var model = server.Factory.Services.GetRequiredService<ClusterFeed>().Current!.Snapshot.Nodes.SelectMany(n => n.Gpus).First().Model;
        string[] Book(string team) =>
        [
            "reservation", "book", "--team", team, "--gpus", "1", "--gpu-model", model, "--name", "demo day", "--reason", "live demo",
            "--start", tomorrow.AddHours(9).ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture),
            "--end", tomorrow.AddHours(17).ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture),
        ];

        var byMember = await Dash.RunAsync(server, "alice", Book("vision"));
        byMember.ExitCode.Should().Be(ExitCodes.Forbidden, byMember.ToString());

        var booked = await Dash.RunAsync(server, "lead", Book("vision"));
        booked.ExitCode.Should().Be(0, booked.ToString());
        var id = BookedLine().Match(booked.Out).Groups[1].Value;
        id.Should().NotBeEmpty(booked.Out);

        var listed = await Dash.RunAsync(server, "bob", "reservation", "ls");
        listed.ExitCode.Should().Be(0, listed.ToString());
        listed.Out.Split('\n')[0].Should().Contain("ID").And.Contain("START (UTC)").And.Contain("STATE");
        listed.Out.Split('\n').Should().Contain(l => l.StartsWith(id + " ", StringComparison.Ordinal) && l.Contains("demo day") && l.Contains($"{tomorrow:yyyy-MM-dd} 09:00") && l.Contains("Approved"));

        var submitted = await Dash.RunAsync(server, "alice", "submit", "--cpus", "1", "--team", "vision", "--reservation", id, "--name", "in-booking", "--", "true");
        submitted.ExitCode.Should().Be(0, submitted.ToString());
        submitted.Out.Should().MatchRegex(@"^Submitted job \d+ \(Pending\)", "the job waits for the window, tomorrow");
        var unknown = await Dash.RunAsync(server, "alice", "submit", "--cpus", "1", "--team", "vision", "--reservation", "987654", "--", "true");
        unknown.ExitCode.Should().Be(ExitCodes.Refused, unknown.ToString());
        unknown.Error.Should().Contain("Reservation 987654 does not exist or was cancelled.");

        var edited = await Dash.RunAsync(server, "lead", "reservation", "edit", id, "--gpus", "1", "--name", "demo day 2", "--end", tomorrow.AddHours(18).ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture));
        edited.ExitCode.Should().Be(0, edited.ToString());
        edited.Out.Should().Be($"reservation {id} changed\n");
        var relisted = await Dash.RunAsync(server, "bob", "reservation", "ls");
        relisted.Out.Split('\n').Should().Contain(l => l.StartsWith(id + " ", StringComparison.Ordinal) && l.Contains("demo day 2") && l.Contains($"{tomorrow:yyyy-MM-dd} 18:00"));
        var editByMember = await Dash.RunAsync(server, "alice", "reservation", "edit", id, "--gpus", "1");
        editByMember.ExitCode.Should().Be(ExitCodes.Forbidden, editByMember.ToString());
        var nothing = await Dash.RunAsync(server, "lead", "reservation", "edit", id);
        nothing.ExitCode.Should().Be(ExitCodes.Usage, nothing.ToString());

        var cancelled = await Dash.RunAsync(server, "lead", "reservation", "cancel", id);
        cancelled.ExitCode.Should().Be(0, cancelled.ToString());
        cancelled.Out.Should().Be($"reservation {id} cancelled\n");
    }

    [GeneratedRegex(@"^reservation (\d+) booked")]
    private static partial Regex BookedLine();
}
