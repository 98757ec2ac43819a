using System.Text.Json.Serialization;
using Dashboard.Engine.Loop;
using Dashboard.Web.Hosting;
using Dashboard.Web.Live;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

// The content root is the repository's top level: the real appsettings.json and wwwroot/ live there, not copies.
var root = RepositoryRoot.ForThisProcess();
var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = args,
    ContentRootPath = root,
    WebRootPath = Path.Combine(root, "wwwroot"),
});

// Outside Development (e.g. `dotnet run` without a launch profile) static web assets of packages are only
// served when asked for explicitly; the Blazor UI will need them.
builder.WebHost.UseStaticWebAssets();

builder.Services.AddComputeEngine(builder.Configuration, root);
builder.Services.AddSignalR().AddJsonProtocol(o => o.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter()));
builder.Services.AddHostedService<ClusterHubRelay>();

var app = builder.Build();

app.UseDefaultFiles();
app.UseStaticFiles();
app.MapGet("/healthz", () => "ok");
app.MapGet("/readyz", (EngineLoop engine) => engine.IsRunning ? Results.Text("ready") : Results.Text("the engine is starting", statusCode: 503));
app.MapHub<ClusterHub>(ClusterHub.Path);

app.Lifetime.ApplicationStarted.Register(() =>
{
    var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
    foreach (var line in StartupBanner.Lines(addresses, app.Environment.ContentRootPath))
    {
        Console.WriteLine(line);
    }
});

await app.RunAsync();
