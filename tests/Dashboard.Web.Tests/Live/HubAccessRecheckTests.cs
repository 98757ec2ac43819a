using System.Net;
using Dashboard.Data.Users;
using Dashboard.Web.Identity;
using Dashboard.Web.Live;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Web.Tests.Live;

/// <summary>
/// Real SignalR clients on a real socket: a connection opened by an account that is then disabled, or by a token that
/// is then revoked, is closed by the server at its next check (here every 200 ms); others stay open.
/// </summary>
public sealed class HubAccessRecheckTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly DashboardFactory factory = new() { Settings = new Dictionary<string, string> { ["Identity:LiveConnectionRecheck"] = "00:00:00.200" } };

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync()
    {
        factory.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        factory.StartServer();
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await factory.DisposeAsync();

    [Fact]
    public async Task Disabling_an_account_closes_its_open_connection_and_leaves_others_open()
    {
        var (bob, closed) = await ListenByCookieAsync("bob");
        var (lead, leadClosed) = await ListenByCookieAsync("lead");
        var users = factory.Services.GetRequiredService<UserStore>();
        var admin = SignedInUser.Of(users.Find("admin")!);
        var before = users.Find("bob")!;

        var outcome = factory.Services.GetRequiredService<UserAdministration>().Update("bob", new AccountChange(before.DisplayName, before.Role, before.Teams, Enabled: false), admin);

        outcome.Succeeded.Should().BeTrue();
        await closed.WaitAsync(Patience, Cancel);
        bob.State.Should().Be(HubConnectionState.Disconnected);
        factory.Services.GetRequiredService<HubAccessRecheck>().CloseThoseNoLongerAllowed().Should().Be(0, "the lead's account did not change");
        lead.State.Should().Be(HubConnectionState.Connected);
        leadClosed.IsCompleted.Should().BeFalse();
        await bob.DisposeAsync();
        await lead.DisposeAsync();
    }

    [Fact]
    public async Task Revoking_a_token_closes_the_connection_it_opened()
    {
        await factory.AccountsReady.WaitAsync(Patience, Cancel);
        var tokens = factory.Services.GetRequiredService<ApiTokens>();
        var alice = SignedInUser.Of(factory.Services.GetRequiredService<UserStore>().Find("alice")!);
        var created = tokens.Create(alice, "hub").Created!;
        var kept = tokens.Create(alice, "other").Created!;
        var (revoked, closed) = await ListenByTokenAsync(created.Secret);
        var (other, otherClosed) = await ListenByTokenAsync(kept.Secret);

        tokens.Revoke(alice, created.Token.Id).Succeeded.Should().BeTrue();

        await closed.WaitAsync(Patience, Cancel);
        revoked.State.Should().Be(HubConnectionState.Disconnected);
        factory.Services.GetRequiredService<HubAccessRecheck>().CloseThoseNoLongerAllowed().Should().Be(0);
        other.State.Should().Be(HubConnectionState.Connected, "alice's other token is still good");
        otherClosed.IsCompleted.Should().BeFalse();
        await revoked.DisposeAsync();
        await other.DisposeAsync();
    }

    private async Task<(HubConnection Connection, Task Closed)> ListenByCookieAsync(string user)
    {
        var (http, cookies) = await SignIn.OverSocketAsync(factory, user);
        using var _ = http;
        return await StartAsync(new HubConnectionBuilder().WithUrl(new Uri(http.BaseAddress!, ClusterHub.Path), o => o.Cookies = cookies).Build());
    }

    private Task<(HubConnection Connection, Task Closed)> ListenByTokenAsync(string token)
    {
        using var probe = factory.CreateClient();
        return StartAsync(new HubConnectionBuilder().WithUrl(new Uri(probe.BaseAddress!, ClusterHub.Path), o => o.AccessTokenProvider = () => Task.FromResult<string?>(token)).Build());
    }

    private static async Task<(HubConnection Connection, Task Closed)> StartAsync(HubConnection connection)
    {
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.Closed += _ =>
        {
            closed.TrySetResult();
            return Task.CompletedTask;
        };
        await connection.StartAsync(Cancel);
        return (connection, closed.Task);
    }
}
