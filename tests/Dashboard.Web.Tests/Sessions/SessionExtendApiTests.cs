using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Dashboard.Api.Contracts;
using Dashboard.Data.Audit;
using Dashboard.Data;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Web.Tests.Sessions;

/// <summary><c>POST /api/v1/sessions/{id}/extend</c> on a session really running on this host.</summary>
public sealed class SessionExtendApiTests(SessionHost host) : IClassFixture<SessionHost>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_owner_extends_a_running_session_others_and_nonsense_are_refused_and_nothing_changes()
    {
        var session = await host.StartWebAsync("alice", "vision", "extend-test");
        var route = new Uri(ApiRoutes.Sessions + "/" + session.Id.ToString(CultureInfo.InvariantCulture) + "/extend", UriKind.Relative);

        using var byBob = await host.Api.As("bob").PostAsJsonAsync(route, new SessionExtendRequest("1h"), Cancel);
        using var nonsense = await host.Api.As("alice").PostAsJsonAsync(route, new SessionExtendRequest("a while"), Cancel);
        using var tooLong = await host.Api.As("alice").PostAsJsonAsync(route, new SessionExtendRequest("31d"), Cancel);
        (await host.ReadAsync("alice", session.Id)).EndsAt.Should().Be(session.EndsAt, "a refused extension changes nothing");
        using var extended = await host.Api.As("alice").PostAsJsonAsync(route, new SessionExtendRequest("1h"), Cancel);

        byBob.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        nonsense.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        tooLong.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        (await tooLong.Content.ReadAsStringAsync(Cancel)).Should().Contain("a walltime is at most 30 days");
        extended.StatusCode.Should().Be(HttpStatusCode.OK, await extended.Content.ReadAsStringAsync(Cancel));
        var view = (await extended.Content.ReadFromJsonAsync<SessionView>(Cancel))!;
        (view.EndsAt - session.EndsAt).Should().Be(TimeSpan.FromHours(1));
        new AuditStore(host.Api.Factory.Services.GetRequiredService<Database>()).ForTarget($"job:{session.Id}")
            .Should().Contain(a => a.Entry.Action == "job.extend" && a.Entry.Actor == "alice");
    }
}
