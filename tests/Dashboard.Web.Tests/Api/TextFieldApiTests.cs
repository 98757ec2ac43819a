using System.Net;
using Dashboard.Api.Contracts;
using Dashboard.Scheduling.Model;

namespace Dashboard.Web.Tests.Api;

/// <summary>
/// Line breaks, NUL and bidi overrides in a job's text fields and odd team names are refused by the API with the core's
/// message under the field's name (422, the API's answer for invalid fields), and nothing is created.
/// </summary>
public sealed class TextFieldApiTests(ApiHost host) : IClassFixture<ApiHost>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("""{"name": "evil\u202Egnp.exe", "command": "sleep 1", "team": "vision", "cpu": 1, "memory": 2}""", "name", "U+202E")]
    [InlineData("""{"name": "two\r\nlines", "command": "sleep 1", "team": "vision", "cpu": 1, "memory": 2}""", "name", "U+000D")]
    [InlineData("""{"name": "nul\u0000", "command": "sleep 1", "team": "vision", "cpu": 1, "memory": 2}""", "name", "U+0000")]
    [InlineData("""{"name": "ok", "command": "echo safe\rrm -rf ~", "team": "vision", "cpu": 1, "memory": 2}""", "command", "U+000D")]
    [InlineData("""{"name": "ok", "command": "sleep 1", "team": "vision", "gpus": 1, "gpuModel": "A100\u2028", "cpu": 1, "memory": 2}""", "gpuModel", "U+2028")]
    public async Task A_job_with_a_control_or_format_character_is_refused_under_its_field(string json, string field, string character)
    {
        var alice = host.As("alice");
        using var content = ApiHost.Json(json);

        using var response = await alice.PostAsync(new Uri(ApiRoutes.Jobs, UriKind.Relative), content, Cancel);

        response.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        var problem = await ApiHost.ProblemOf(response);
        problem.Errors.Should().ContainKey(field).WhoseValue.Single().Should().Contain("must not contain control or invisible formatting characters").And.Contain(character);
        using var list = await alice.GetAsync(new Uri(ApiRoutes.Jobs + "?mine=true", UriKind.Relative), Cancel);
        (await list.Content.ReadAsStringAsync(Cancel)).Should().Contain("\"total\":0");
    }

    [Theory]
    [InlineData("text=ab%00cd", "text", "U+0000")]
    [InlineData("text=%01abc", "text", "U+0001")]
    [InlineData("team=vis%0Aion", "team", "U+000A")]
    [InlineData("owner=al%E2%80%AEice", "owner", "U+202E")]
    public async Task A_list_filter_with_a_control_or_format_character_is_refused_under_its_parameter(string query, string parameter, string character)
    {
        using var response = await host.As("alice").GetAsync(new Uri(ApiRoutes.Jobs + "?mine=false&" + query, UriKind.Relative), Cancel);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest, "a text no job holds is a bad query, not a server error");
        var problem = await ApiHost.ProblemOf(response);
        problem.Errors.Should().ContainKey(parameter).WhoseValue.Single().Should().Contain("must not contain control or invisible formatting characters").And.Contain(character);
    }

    [Fact]
    public async Task A_command_keeps_its_line_breaks_and_tabs()
    {
        using var content = ApiHost.Json("""{"name": "script", "command": "set -e\n\tsleep 1\r\necho done", "team": "nlp", "cpu": 1, "memory": 2}""");

        using var response = await host.As("bob").PostAsync(new Uri(ApiRoutes.Jobs, UriKind.Relative), content, Cancel);

        response.StatusCode.Should().Be(HttpStatusCode.Created);
    }

    [Theory]
    [InlineData("Vision")]
    [InlineData("bad\nteam")]
    [InlineData("te\u202Eam")]
    [InlineData("under_score")]
    public async Task A_quota_for_a_team_name_outside_the_strict_form_is_refused_under_team(string team)
    {
        using var content = ApiHost.Json("""{"nominalGpus": 1, "nominalCpu": 1, "nominalMemory": 1, "borrowingLimitGpus": 0, "borrowingLimitCpu": 0, "borrowingLimitMemory": 0, "fairShareWeight": 1, "maxPriority": 10}""");

        using var response = await host.As("admin").PutAsync(new Uri(ApiRoutes.TeamQuota(team), UriKind.Relative), content, Cancel);

        response.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        (await ApiHost.ProblemOf(response)).Errors.Should().ContainKey("team").WhoseValue.Should().Equal(TextRules.TeamNameRule);
        host.Engine.Feed.Current!.Snapshot.Quotas.Should().NotContain(q => q.Team == team);
    }
}
