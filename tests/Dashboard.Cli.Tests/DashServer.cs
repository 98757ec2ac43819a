using System.Net;
using Dashboard.Data.Users;
using Dashboard.Engine.Loop;
using Dashboard.Web.Identity;
using Dashboard.Web.Tests;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Cli.Tests;

/// <summary>
/// One real server for the CLI tests: the dashboard on Kestrel (loopback, a port the OS picks) with two simulated
/// demo nodes and this host as a node whose jobs really run, and a personal API token for each demo account.
/// </summary>
public sealed class DashServer : IAsyncLifetime
{
    private readonly Dictionary<string, string> tokens = new(StringComparer.Ordinal);

    public DashServer()
        : this(new DashboardFactory { LocalNode = true })
    {
    }

    /// <summary>A server over an app configured otherwise (e.g. this host as its only node), for a test's own use.</summary>
    internal DashServer(DashboardFactory factory)
    {
        Factory = factory;
    }

    public DashboardFactory Factory { get; }

    public Uri Address { get; private set; } = null!;

    public string TokenOf(string user) => tokens[user];

    public async ValueTask InitializeAsync()
    {
        Factory.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        Factory.StartServer();
        Address = new Uri(Factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        await Factory.Services.GetRequiredService<EngineLoop>().Started.WaitAsync(TimeSpan.FromSeconds(30));
        await Factory.AccountsReady.WaitAsync(TimeSpan.FromSeconds(30));
        var users = Factory.Services.GetRequiredService<UserStore>();
        var apiTokens = Factory.Services.GetRequiredService<ApiTokens>();
        foreach (var name in new[] { "alice", "bob", "lead", "admin" })
        {
            var created = apiTokens.Create(SignedInUser.Of(users.Find(name)!), "cli tests");
            created.Succeeded.Should().BeTrue(created.Error);
            tokens[name] = created.Created!.Secret;
        }
    }

    public async ValueTask DisposeAsync() => await Factory.DisposeAsync();
}

[CollectionDefinition(nameof(SharedDashServer))]
public sealed class SharedDashServer : ICollectionFixture<DashServer>;
