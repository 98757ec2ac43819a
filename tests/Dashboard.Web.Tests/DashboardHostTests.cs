using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Web.Tests;

/// <summary>The host started in memory, the way every later endpoint test will start it.</summary>
public sealed class DashboardHostTests : IClassFixture<DashboardFactory>
{
    private readonly DashboardFactory factory;

    public DashboardHostTests(DashboardFactory factory) => this.factory = factory;

    [Fact]
    public async Task Healthz_answers_ok()
    {
        using var client = factory.CreateClient();

        using var response = await client.GetAsync(new Uri("/healthz", UriKind.Relative), TestContext.Current.CancellationToken);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).Should().Be("ok");
    }

    [Theory]
    [InlineData("/index.html")]
    [InlineData("/")]
    public async Task Serves_the_landing_page_from_the_top_level_wwwroot(string path)
    {
        using var client = factory.CreateClient();

        using var response = await client.GetAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        body.Should().Be(await File.ReadAllTextAsync(TopLevelFolder.File("wwwroot", "index.html"), TestContext.Current.CancellationToken));
        body.Should().Contain("the scheduling core is in <code>src/Dashboard.Scheduling</code>");
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
    public async Task An_unknown_path_is_not_found()
    {
        using var client = factory.CreateClient();

        using var response = await client.GetAsync(new Uri("/no-such-page", UriKind.Relative), TestContext.Current.CancellationToken);

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }
}
