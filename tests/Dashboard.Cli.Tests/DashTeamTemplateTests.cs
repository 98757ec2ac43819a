using System.Text.RegularExpressions;

namespace Dashboard.Cli.Tests;

/// <summary>
/// <c>dash template save --team-wide</c> against the real server: a team lead's template is listed to the team's
/// members, starts a member's submit and is removed only by the lead; a member may not save one, another team does
/// not see it.
/// </summary>
[Collection(nameof(SharedDashServer))]
public sealed partial class DashTeamTemplateTests(DashServer server)
{
    [Fact]
    public async Task A_leads_team_wide_template_starts_a_members_submit_and_only_the_lead_removes_it()
    {
        var leads = await Dash.RunAsync(server, "lead", "submit", "--team", "vision", "--gpus", "1", "--time", "3h", "--hold", "--name", "team-eval", "--", "python", "eval.py");
        leads.ExitCode.Should().Be(ExitCodes.Ok, leads.ToString());
        var leadsJob = SubmittedLine().Match(leads.Out).Groups[1].Value;

        var saved = await Dash.RunAsync(server, "lead", "template", "save", "vision-eval", "--from-job", leadsJob, "--team-wide");
        saved.ExitCode.Should().Be(ExitCodes.Ok, saved.ToString());
        var template = Regex.Match(saved.Out, @"^Saved template (\d+) ""vision-eval"" \(team\)\.").Groups[1].Value;
        template.Should().NotBeEmpty(saved.Out);

        var listed = await Dash.RunAsync(server, "alice", "template", "ls");
        listed.Out.Should().MatchRegex($@"{template}\s+vision-eval\s+vision\s+team\s+lead\s+1 GPU");
        (await Dash.RunAsync(server, "bob", "template", "ls")).Out.Should().NotContain("vision-eval", "bob is not in vision");

        var fromTemplate = await Dash.RunAsync(server, "alice", "--json", "submit", "--template", "vision-eval", "--hold");
        fromTemplate.ExitCode.Should().Be(ExitCodes.Ok, fromTemplate.ToString());
        fromTemplate.Out.Should().Contain("\"owner\": \"alice\"").And.Contain("\"command\": \"python eval.py\"").And.Contain("\"walltime\": \"3h\"");

        var alicesJob = Regex.Match(fromTemplate.Out, @"""id"": (\d+)").Groups[1].Value;
        var byMember = await Dash.RunAsync(server, "alice", "template", "save", "alice-team", "--from-job", alicesJob, "--team-wide");
        byMember.ExitCode.Should().Be(ExitCodes.Forbidden, byMember.ToString());
        var removeByMember = await Dash.RunAsync(server, "alice", "template", "rm", template);
        removeByMember.ExitCode.Should().Be(ExitCodes.Forbidden, removeByMember.ToString());

        var removed = await Dash.RunAsync(server, "lead", "template", "rm", template);
        removed.ExitCode.Should().Be(ExitCodes.Ok, removed.ToString());
        (await Dash.RunAsync(server, "alice", "template", "ls")).Out.Should().NotContain("vision-eval");
    }

    [GeneratedRegex(@"Submitted job (\d+)")]
    private static partial Regex SubmittedLine();
}
