namespace Dashboard.Web.Tests.Sessions;

/// <summary>The session page and the New session form as the server renders them (prerendered HTML).</summary>
public sealed class SessionPagesHostTests(SessionHost host) : IClassFixture<SessionHost>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_owner_sees_a_ready_session_with_connect_and_stop_and_another_member_sees_nothing_of_it()
    {
        var session = await host.StartWebAsync("alice", "vision", "page-test");
        var alice = await host.BrowserAsync("alice");
        var bob = await host.BrowserAsync("bob");

        var owners = await alice.GetStringAsync(new Uri($"/sessions/{session.Id}", UriKind.Relative), Cancel);
        var others = await bob.GetStringAsync(new Uri($"/sessions/{session.Id}", UriKind.Relative), Cancel);

        owners.Should().Contain("data-status=\"ready\"").And.Contain("id=\"connect\"").And.Contain($"href=\"/sessions/{session.Id}/\"")
            .And.Contain("id=\"stop-session\"").And.Contain("id=\"session-time-left\"").And.Contain("id=\"extend-session\"");
        others.Should().Contain("belongs to someone else").And.NotContain("id=\"connect\"");
    }

    [Fact]
    public async Task The_new_session_form_offers_the_types_and_the_members_teams()
    {
        var alice = await host.BrowserAsync("alice");

        var form = await alice.GetStringAsync(new Uri("/sessions/new", UriKind.Relative), Cancel);

        form.Should().Contain("id=\"new-session-page\"").And.Contain("id=\"start-session\"").And.Contain("Jupyter notebook").And.Contain("vision");
    }
}
