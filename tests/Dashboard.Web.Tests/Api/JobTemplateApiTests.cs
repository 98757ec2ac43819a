using System.Net;
using System.Net.Http.Json;
using Dashboard.Api.Contracts;
using Dashboard.Data.Audit;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Web.Tests.Api;

/// <summary>Submit templates through a real socket: saved, listed by who may see them, refused clearly, deleted by those allowed.</summary>
public sealed class JobTemplateApiTests(ApiHost host) : IClassFixture<ApiHost>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static async Task<HttpResponseMessage> SaveAsync(HttpClient client, string name, bool teamWide = false, string team = "vision")
    {
        using var content = ApiHost.Json(ApiHost.SubmitJson(team, gpus: 1, name: "train"));
        return await client.PostAsync(new Uri(JobTemplateRoutes.Save(name, teamWide), UriKind.Relative), content, Cancel);
    }

    private static async Task<IReadOnlyList<JobTemplateView>> ListAsync(HttpClient client) =>
        (await client.GetFromJsonAsync<List<JobTemplateView>>(new Uri(JobTemplateRoutes.Templates, UriKind.Relative), Cancel))!;

    [Fact]
    public async Task Templates_are_saved_listed_to_who_may_see_them_and_deleted_by_who_may()
    {
        var alice = host.As("alice");
        var lead = host.As("lead");

        using var mine = await SaveAsync(alice, "alice-a100");
        mine.StatusCode.Should().Be(HttpStatusCode.Created, await mine.Content.ReadAsStringAsync(Cancel));
        var saved = (await mine.Content.ReadFromJsonAsync<JobTemplateView>(Cancel))!;
        (saved.Name, saved.Owner, saved.Team, saved.TeamWide, saved.Request.Gpus, saved.Request.Walltime, saved.Request.Command).Should()
            .Be(("alice-a100", "alice", "vision", false, 1, "1h", "sleep 1"));

        using var again = await SaveAsync(alice, "alice-a100");
        again.StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await ApiHost.ProblemOf(again)).Detail.Should().Be("You already have a template named \"alice-a100\"; choose another name or delete that one first.");

        using var notLead = await SaveAsync(alice, "vision-default", teamWide: true);
        notLead.StatusCode.Should().Be(HttpStatusCode.Forbidden);

        using var team = await SaveAsync(lead, "vision-default", teamWide: true);
        team.StatusCode.Should().Be(HttpStatusCode.Created, await team.Content.ReadAsStringAsync(Cancel));
        var teamTemplate = (await team.Content.ReadFromJsonAsync<JobTemplateView>(Cancel))!;

        (await ListAsync(alice)).Select(t => t.Name).Should().Contain(["alice-a100", "vision-default"]);
        (await ListAsync(host.As("bob"))).Should().NotContain(t => t.Name == "alice-a100" || t.Name == "vision-default");
        (await ListAsync(lead)).Should().NotContain(t => t.Name == "alice-a100", "a personal template is its owner's alone");

        using (var byAlice = await alice.DeleteAsync(new Uri(JobTemplateRoutes.Template(teamTemplate.Id), UriKind.Relative), Cancel))
        {
            byAlice.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        }

        using (var byBob = await host.As("bob").DeleteAsync(new Uri(JobTemplateRoutes.Template(saved.Id), UriKind.Relative), Cancel))
        {
            byBob.StatusCode.Should().Be(HttpStatusCode.NotFound);
        }

        using (var byLead = await lead.DeleteAsync(new Uri(JobTemplateRoutes.Template(teamTemplate.Id), UriKind.Relative), Cancel))
        {
            byLead.StatusCode.Should().Be(HttpStatusCode.OK);
        }

        (await ListAsync(alice)).Should().NotContain(t => t.Name == "vision-default");
        host.Factory.Services.GetRequiredService<AuditStore>().ForTarget($"template:{teamTemplate.Id}").Select(r => r.Entry.Action)
            .Should().BeEquivalentTo(["template.save", "template.delete"]);
    }

    [Fact]
    public async Task A_bad_name_or_a_bad_request_is_refused_and_saves_nothing()
    {
        var alice = host.As("alice");

        using var control = await SaveAsync(alice, "bad\u0007name");
        using var empty = await SaveAsync(alice, "  ");
        using var otherTeam = await SaveAsync(alice, "nlp-one", team: "nlp");

        control.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        empty.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        (await empty.Content.ReadAsStringAsync(Cancel)).Should().Contain("A template needs a name.");
        otherTeam.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await ListAsync(alice)).Should().NotContain(t => t.Name == "nlp-one" || t.Name.StartsWith("bad", StringComparison.Ordinal));
    }
}
