using System.Net;
using Dashboard.Bench.Scheduling;
using Dashboard.Data.Users;
using Dashboard.Engine.Loop;
using Dashboard.Web.Identity;
using Dashboard.Web.Tests;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Bench.Api;

/// <summary>What the API benchmarks share: the machine's description, the real app on Kestrel, and a person's API token.</summary>
internal static class BenchApp
{
    /// <summary>Prints the machine and its load, as every benchmark's first lines.</summary>
    public static void PrintMachine()
    {
        foreach (var line in MachineDescription.Lines())
        {
            Console.WriteLine(line);
        }

        Console.WriteLine(MachineDescription.Load());
    }

    /// <summary>Starts <paramref name="app"/> on Kestrel (loopback, a port the OS picks) and waits until its engine runs and its demo accounts exist; returns its address.</summary>
    public static async Task<Uri> StartAsync(DashboardFactory app)
    {
        app.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        app.StartServer();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        await app.Services.GetRequiredService<EngineLoop>().Started;
        await app.AccountsReady;
        return address;
    }

    /// <summary>A new personal API token of demo account <paramref name="user"/>.</summary>
    public static string TokenOf(DashboardFactory app, string user, string purpose) =>
        app.Services.GetRequiredService<ApiTokens>().Create(SignedInUser.Of(app.Services.GetRequiredService<UserStore>().Find(user)!), purpose).Created!.Secret;
}
