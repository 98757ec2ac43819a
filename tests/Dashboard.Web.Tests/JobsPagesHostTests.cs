using System.Net;
using Dashboard.Engine.Loop;
using Dashboard.Scheduling.Model;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Web.Tests;

/// <summary>The Jobs pages as the real host prerenders them, with a job submitted through the engine.</summary>
public sealed class JobsPagesHostTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task The_job_list_and_a_jobs_page_prerender_and_an_unknown_id_says_so()
    {
        await using var factory = new DashboardFactory();
        await factory.Services.GetRequiredService<EngineLoop>().Started.WaitAsync(Patience, TestContext.Current.CancellationToken);
        var engine = factory.Services.GetRequiredService<ClusterEngine>();
        var spec = new JobSpec("train-resnet", "alice", "vision", "python train.py", new ResourceRequest(1, 1000, 1024), Walltime: TimeSpan.FromHours(1));
        var submitted = await engine.SubmitAsync(spec, "alice").WaitAsync(Patience, TestContext.Current.CancellationToken);
        submitted.Succeeded.Should().BeTrue(submitted.Reason);
        var id = submitted.Job!.Value.Value;
        using var client = await SignIn.AsAsync(factory, "alice");

        var list = await GetPage(client, "/jobs");
        var job = await GetPage(client, $"/jobs/{id}");
        var unknown = await GetPage(client, "/jobs/999999");

        list.Should().Contain("id=\"jobs-page\"").And.Contain("id=\"jobs-grid\"").And.Contain("id=\"my-jobs\"");
        job.Should().Contain($"Job {id} · train-resnet").And.Contain("id=\"resubmit\"").And.Contain($"jobs/new?from={id}");
        job.Should().Contain("python train.py");
        unknown.Should().Contain("Job 999999 does not exist.");

        using var bob = await SignIn.AsAsync(factory, "bob");
        var notBobs = await GetPage(bob, $"/jobs/{id}");
        notBobs.Should().Contain("id=\"not-allowed\"").And.NotContain("python train.py", "another member sees neither the job's spec nor its log");
    }

    private static async Task<string> GetPage(HttpClient client, string path)
    {
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        return await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
    }
}
