using System.Net;
using Dashboard.Engine.Loop;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Web.Tests;

/// <summary>The host started in memory, the way every later endpoint test will start it.</summary>
public sealed class DashboardHostTests : IClassFixture<DashboardFactory>
{
    private readonly DashboardFactory factory;

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    public DashboardHostTests(DashboardFactory factory) => this.factory = factory;

    [Fact]
    public async Task Healthz_answers_ok()
    {
        using var client = factory.CreateClient();

        using var response = await client.GetAsync(new Uri("/healthz", UriKind.Relative), TestContext.Current.CancellationToken);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).Should().Be("ok");
    }

    [Fact]
    public async Task Serves_a_file_from_the_top_level_wwwroot()
    {
        using var client = factory.CreateClient();

        using var response = await client.GetAsync(new Uri("/app.css", UriKind.Relative), TestContext.Current.CancellationToken);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        body.Should().Be(await File.ReadAllTextAsync(TopLevelFolder.File("wwwroot", "app.css"), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task The_root_is_the_prerendered_Cluster_page_with_the_engines_nodes()
    {
        await factory.Services.GetRequiredService<EngineLoop>().Started.WaitAsync(Patience, TestContext.Current.CancellationToken);
        using var client = await SignIn.AsAsync(factory, "alice");

        using var response = await client.GetAsync(new Uri("/", UriKind.Relative), TestContext.Current.CancellationToken);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType?.MediaType.Should().Be("text/html");
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        body.Should().Contain("id=\"cluster-page\"");
        body.Should().Contain("data-node=\"demo-gpu-01\"").And.Contain("data-node=\"demo-gpu-02\"", "the factory runs two demo nodes");
        body.Should().Contain("simulated");
        body.Should().Contain("<link rel=\"stylesheet\" href=\"app.css\"", "the page uses the top-level wwwroot's style sheet");
        body.Should().Contain("id=\"components-reconnect-modal\"").And.Contain("Reconnecting…");
        body.Should().Contain("data-ready=\"0\"", "a prerendered page is not interactive yet");
        body.Should().Contain("_framework/blazor.web.js");
    }

    [Theory]
    [InlineData("/_framework/blazor.web.js")]
    [InlineData("/_content/MudBlazor/MudBlazor.min.css")]
    [InlineData("/_content/MudBlazor/MudBlazor.min.js")]
    public async Task Serves_the_framework_and_MudBlazor_assets_the_page_loads(string path)
    {
        using var client = factory.CreateClient();

        using var response = await client.GetAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken)).Should().NotBeEmpty();
    }

    [Fact]
    public void Runs_on_the_top_level_folder_and_its_real_settings()
    {
        var environment = factory.Services.GetRequiredService<IWebHostEnvironment>();
        var configuration = factory.Services.GetRequiredService<IConfiguration>();

        environment.ContentRootPath.TrimEnd('/').Should().Be(TopLevelFolder.Path);
        environment.WebRootPath.TrimEnd('/').Should().Be(TopLevelFolder.File("wwwroot"));
        configuration["Urls"].Should().Be("http://127.0.0.1:5080");
        configuration["Database:FileName"].Should().Be("dashboard.db");
    }

    [Fact]
    public async Task An_unknown_path_is_not_found_for_a_signed_in_user_and_unauthorised_for_anyone_else()
    {
        using var anonymous = factory.CreateClient();
        using var client = await SignIn.AsAsync(factory, "alice");

        using var response = await client.GetAsync(new Uri("/no-such-page", UriKind.Relative), TestContext.Current.CancellationToken);
        using var probe = await anonymous.GetAsync(new Uri("/no-such-page", UriKind.Relative), TestContext.Current.CancellationToken);

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        probe.StatusCode.Should().Be(HttpStatusCode.Unauthorized, "an anonymous client cannot probe which paths exist");
    }
}
