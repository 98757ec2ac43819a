using System.Text.Json.Serialization;
using Dashboard.Engine.Loop;
using Dashboard.Web.Audit;
using Dashboard.Web.Components;
using Dashboard.Web.Hosting;
using Dashboard.Web.Jobs;
using Dashboard.Web.Live;
using Dashboard.Web.Reservations;
using Dashboard.Web.Sessions;
using Dashboard.Web.Usage;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using MudBlazor.Services;

// The content root is a published build's own folder, or else the repository's top level (the real appsettings.json and wwwroot/).
var root = ContentRoot.ForThisProcess();
var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = args,
    ContentRootPath = root,
    WebRootPath = Path.Combine(root, "wwwroot"),
});

// Outside Development (e.g. `dotnet run` without a launch profile) static web assets of packages are only
// served when asked for explicitly: _framework/blazor.web.js and _content/MudBlazor/* are such assets.
builder.WebHost.UseStaticWebAssets();

// --urls, ASPNETCORE_URLS, ASPNETCORE_HTTP_PORTS and the like decide where to listen; without any, 127.0.0.1:5080.
ListenAddresses.UseDefaultWhenNoneGiven(builder);

// Kestrel goes on with a connection's work on the thread that completed its socket operation instead of queueing each
// step to the thread pool again: a live update costs every watching circuit a render batch sent and an acknowledgement
// received, and those hops were about one in five of its thread-pool work items (bench/README.md, "What a watcher costs").
// The socket completions themselves still come on thread-pool threads, each batch of them from a work item that first
// hands the rest to another (DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS is not set: with it the app would run on the
// socket event threads, one per core, and a request that blocks its thread, a synchronous SQLite read, would stall
// every connection of that thread). `Kestrel:InlineScheduling` false turns it off.
builder.WebHost.UseSockets(sockets => sockets.UnsafePreferInlineScheduling = builder.Configuration.GetValue("Kestrel:InlineScheduling", true));

builder.Services.AddRazorComponents().AddInteractiveServerComponents();
// The stored theme reaches the layout as a cascading value from the circuit's scope (no CascadingValue component per circuit).
Dashboard.Web.Components.Layout.StoredTheme.AddStoredTheme(builder.Services);
// So does the live cluster state the layout's LiveCluster sets (no CascadingValue and StableContent per circuit).
Dashboard.Web.Components.Layout.LiveClusterSource.Add(builder.Services);
// Dialogs have the layout draw MudBlazor's dialog provider when first shown (registered before AddMudServices, whose own is TryAdd).
builder.Services.AddScoped<MudBlazor.IDialogService, Dashboard.Web.Components.Layout.OnDemandDialogService>();
builder.Services.AddMudServices(mud => mud.SnackbarConfiguration.PositionClass = MudBlazor.Defaults.Classes.Position.BottomEnd);

builder.Services.AddComputeEngine(builder.Configuration, root);
builder.Services.AddElasticPools(builder.Configuration, root);
builder.Services.AddDashboardAuth(builder.Configuration);
builder.Services.AddSubmitForm();
builder.Services.AddReservationCalendar();
builder.Services.AddSingleton<JobBrowser>();
builder.Services.AddScoped<JobCancellation>();
builder.Services.AddScoped<SweepActions>();
builder.Services.AddClusterAdmin();
builder.Services.AddDashboardApi(builder.Configuration);
builder.Services.AddUsageHistory(builder.Configuration);
builder.Services.AddNotifications(builder.Configuration);
builder.Services.AddSignalR().AddJsonProtocol(o => o.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter()));
builder.Services.AddHostedService<ClusterHubRelay>();
builder.Services.AddSingleton<LiveHubConnections>();
builder.Services.AddSingleton<HubAccessRecheck>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<HubAccessRecheck>());
builder.Services.AddOperations(builder.Configuration);
builder.Services.AddWebHardening();
builder.Services.AddSessions(builder.Configuration);

var app = builder.Build();

// Headers, HTTPS behind a local proxy, relative redirects, the cross-site guard: for every answer, static files included.
app.UseWebHardening();
app.UseSessionOrigins();

// The top-level wwwroot/ (app.css) and, through UseStaticWebAssets, the framework's and MudBlazor's assets.
app.UseStaticFiles();
app.UseReadOnlyOperations();
app.UseAuthentication();
app.UseAuthorization();
app.UseSessionProxy();
app.UseDashboardApi();
app.UseAntiforgery();
app.MapOperations();
app.MapAccountEndpoints();
app.MapAuditEndpoints();
app.MapUsageEndpoints();
app.MapNotificationApi();
app.MapHub<ClusterHub>(ClusterHub.Path);
// No per-message deflate on the circuits' WebSockets: every live update is a small render batch to every open page,
// and compressing each one costs the server CPU per watcher (bench/README.md, "What a watcher costs"); the pages'
// CSP already forbids framing (frame-ancestors 'none'), which is what Blazor pairs compression with.
app.MapRazorComponents<App>().AddInteractiveServerRenderMode(options => options.DisableWebSocketCompression = true);

// The live views declare what they show; finding them now stops the start-up when one took the layout's live state
// without saying so, rather than the first live update.
_ = Dashboard.Web.Components.Layout.LiveViews.All;

app.Lifetime.ApplicationStarted.Register(() =>
{
    var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
    var isolation = app.Services.GetRequiredService<Dashboard.Engine.Execution.Isolation.LocalJobIsolation>().Choice.Description;
    foreach (var line in StartupBanner.Lines(addresses, app.Environment.ContentRootPath, isolation))
    {
        Console.WriteLine(line);
    }
});

await app.RunAsync();
