using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dashboard.Api.Contracts;
using Dashboard.Data.Audit;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Web.Tests.Api;

/// <summary>Cluster, nodes, teams and quotas through the API, and its OpenAPI document and reference page.</summary>
public sealed class ClusterApiTests(ApiHost host) : IClassFixture<ApiHost>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_cluster_summary_counts_the_demo_nodes()
    {
        var summary = (await host.As("bob").GetFromJsonAsync<ClusterSummaryView>(new Uri(ApiRoutes.Cluster, UriKind.Relative), Cancel))!;

        summary.Nodes.Should().Be(2);
        summary.SimulatedNodes.Should().Be(2);
        summary.GpusTotal.Should().Be(8);
        summary.NodesReady.Should().Be(2);
        summary.CpuTotal.Should().BePositive();
    }

    [Fact]
    public async Task Nodes_show_each_gpu_and_the_job_holding_it()
    {
        var job = await ApiHost.SubmitAsync(host.As("alice"), "vision", gpus: 1, name: "holder");
        var running = await host.JobOnceAsync(host.As("alice"), job.Id, ApiHost.IsRunning(job.Id));

        var nodes = (await host.As("bob").GetFromJsonAsync<List<NodeView>>(new Uri(ApiRoutes.Nodes, UriKind.Relative), Cancel))!;

        nodes.Should().HaveCount(2);
        nodes.Should().OnlyContain(n => n.Gpus.Count == 4 && n.Simulated);
        var node = nodes.Single(n => n.Name == running.Allocation!.Node);
        node.Gpus.Single(g => g.Index == running.Allocation!.GpuIndices[0]).Job.Should().Be(job.Id);
        node.GpusUsed.Should().BeGreaterThanOrEqualTo(1);
    }

    [Fact]
    public async Task Members_see_their_own_teams_quota_and_admins_every_team()
    {
        var bob = (await host.As("bob").GetFromJsonAsync<List<TeamQuotaView>>(new Uri(ApiRoutes.Teams, UriKind.Relative), Cancel))!;
        var admin = (await host.As("admin").GetFromJsonAsync<List<TeamQuotaView>>(new Uri(ApiRoutes.Teams, UriKind.Relative), Cancel))!;

        bob.Select(t => t.Team).Should().Equal("nlp");
        bob[0].Nominal.Should().Be(new ResourcesView(12, 96m, 768m));
        admin.Select(t => t.Team).Should().Contain(["nlp", "research", "speech", "vision"]);
    }

    [Fact]
    public async Task An_admin_sets_a_quota_which_is_applied_and_audited()
    {
        using var content = ApiHost.Json("""
            {"nominalGpus": 2, "nominalCpu": 16, "nominalMemory": 64.5, "borrowingLimitGpus": 1, "borrowingLimitCpu": 8,
             "borrowingLimitMemory": 32, "fairShareWeight": 1.5, "maxPriority": 50}
            """);

        using var response = await host.As("admin").PutAsync(new Uri(ApiRoutes.TeamQuota("speech"), UriKind.Relative), content, Cancel);

        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Cancel));
        var view = (await response.Content.ReadFromJsonAsync<TeamQuotaView>(Cancel))!;
        view.Nominal.Should().Be(new ResourcesView(2, 16m, 64.5m));
        view.BorrowingLimit.Should().Be(new ResourcesView(1, 8m, 32m));
        view.FairShareWeight.Should().Be(1.5);
        view.MaxPriority.Should().Be(50);
        host.Factory.Services.GetRequiredService<AuditStore>().Query(new AuditQuery(Actor: "admin", Action: "quota."), 0, 10).Records
            .Should().Contain(r => r.Entry.Target == "team:speech");
    }

    [Fact]
    public async Task Quota_changes_are_for_admins_only()
    {
        using var content = ApiHost.Json("""{"nominalGpus": 8}""");

        using var lead = await host.As("lead").PutAsync(new Uri(ApiRoutes.TeamQuota("vision"), UriKind.Relative), content, Cancel);

        lead.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await ApiHost.ProblemOf(lead)).Status.Should().Be(403);
    }

    [Fact]
    public async Task A_bad_quota_gets_the_admin_pages_messages_by_field_and_changes_nothing()
    {
        var before = (await host.As("admin").GetFromJsonAsync<List<TeamQuotaView>>(new Uri(ApiRoutes.Teams, UriKind.Relative), Cancel))!.Single(t => t.Team == "research");
        using var content = ApiHost.Json("""
            {"nominalGpus": -1, "nominalCpu": 16, "nominalMemory": 64, "borrowingLimitGpus": 1000, "borrowingLimitCpu": "8",
             "fairShareWeight": 0, "maxPriority": 50}
            """);

        using var response = await host.As("admin").PutAsync(new Uri(ApiRoutes.TeamQuota("research"), UriKind.Relative), content, Cancel);

        response.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        var problem = await ApiHost.ProblemOf(response);
        problem.Errors.Should().ContainKeys("nominalGpus", "borrowingLimitGpus", "borrowingLimitCpu", "borrowingLimitMemory", "fairShareWeight");
        problem.Errors!["nominalGpus"].Single().Should().Be("GPUs must not be negative.");
        problem.Errors["borrowingLimitGpus"].Single().Should().Contain("more than the cluster has (8 GPUs)");
        problem.Errors["borrowingLimitMemory"].Single().Should().Be("Borrowing limit memory is required.");
        var after = (await host.As("admin").GetFromJsonAsync<List<TeamQuotaView>>(new Uri(ApiRoutes.Teams, UriKind.Relative), Cancel))!.Single(t => t.Team == "research");
        after.Should().BeEquivalentTo(before);
    }

    [Fact]
    public async Task The_openapi_document_describes_every_api_endpoint_and_is_public()
    {
        using var anonymous = host.As("");
        using var response = await anonymous.GetAsync(new Uri(ApiRoutes.OpenApiDocument, UriKind.Relative), Cancel);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancel));
        var paths = document.RootElement.GetProperty("paths");

        var expected = new (string Path, string Method)[]
        {
            ("/api/v1/jobs", "post"), ("/api/v1/jobs", "get"), ("/api/v1/jobs/{id}", "get"), ("/api/v1/jobs/{id}/cancel", "post"),
            ("/api/v1/jobs/{id}/logs", "get"), ("/api/v1/cluster", "get"), ("/api/v1/nodes", "get"), ("/api/v1/teams", "get"),
            ("/api/v1/teams/{team}/quota", "put"), ("/api/v1/me", "get"),
        };
        foreach (var (path, method) in expected)
        {
            var operation = paths.GetProperty(path).GetProperty(method);
            operation.GetProperty("summary").GetString().Should().NotBeNullOrWhiteSpace($"{method} {path} has a summary");
            operation.GetProperty("responses").EnumerateObject().Should().NotBeEmpty();
        }

        paths.EnumerateObject().Select(p => p.Name).Should().OnlyContain(p => p.StartsWith("/api/", StringComparison.Ordinal));
        document.RootElement.GetProperty("components").GetProperty("securitySchemes").GetProperty("token").GetProperty("scheme").GetString().Should().Be("bearer");
        paths.GetProperty("/api/v1/jobs").GetProperty("post").GetProperty("requestBody").GetProperty("content").GetProperty("application/json").ValueKind.Should().Be(JsonValueKind.Object);
    }

    [Fact]
    public async Task The_reference_page_answers()
    {
        using var response = await host.As("").GetAsync(new Uri(ApiRoutes.Reference, UriKind.Relative), Cancel);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var page = await response.Content.ReadAsStringAsync(Cancel);
        page.Should().Contain("Compute Dashboard API");

        // Its script comes from this server, not a CDN: the page works where the dashboard has no internet.
        var script = System.Text.RegularExpressions.Regex.Match(page, "src=\"([^\"]*scalar\\.js)\"");
        script.Success.Should().BeTrue(page[..Math.Min(page.Length, 500)]);
        script.Groups[1].Value.Should().NotStartWith("http");
        using var js = await host.As("").GetAsync(new Uri(new Uri(host.Address, ApiRoutes.Reference), script.Groups[1].Value), Cancel);
        js.StatusCode.Should().Be(HttpStatusCode.OK);
    }
}
