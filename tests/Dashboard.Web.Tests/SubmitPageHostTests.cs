using System.Net;
using Dashboard.Engine.Loop;
using Dashboard.Scheduling.Model;
using Dashboard.Web.Jobs;
using Dashboard.Web.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Web.Tests;

/// <summary>The submit page in the real host: its services are wired and it prerenders from the engine's state.</summary>
public sealed class SubmitPageHostTests(DashboardFactory factory) : IClassFixture<DashboardFactory>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static readonly SignedInUser Alice = new("alice", Dashboard.Data.Users.UserRole.Member, ["vision"]);

    [Fact]
    public async Task Jobs_new_prerenders_the_form_with_the_what_if_from_the_engines_snapshot()
    {
        var body = await GetAsync("/jobs/new");

        foreach (var id in new[] { "job-name", "job-command", "job-team", "job-gpus", "job-gpu-model", "job-cpu", "job-memory", "job-walltime", "job-priority", "what-if", "submit-job" })
        {
            body.Should().Contain($"id=\"{id}\"");
        }

        body.Should().Contain("data-outcome=\"starts\"", "one GPU fits on an empty demo node").And.Contain("Starts now on demo-gpu-0");
    }

    [Fact]
    public async Task Resubmitting_a_job_that_is_not_stored_says_so()
    {
        var body = await GetAsync("/jobs/new?from=987654");

        body.Should().Contain("id=\"from-notice\"").And.Contain("There is no job 987654 to submit again");
    }

    [Fact]
    public async Task The_page_submits_through_the_engine_and_can_read_the_stored_job_back()
    {
        await factory.Services.GetRequiredService<EngineLoop>().Started.WaitAsync(Patience, TestContext.Current.CancellationToken);
        using var scope = factory.Services.CreateScope();
        var submission = scope.ServiceProvider.GetRequiredService<IJobSubmission>();
        var spec = new JobSpec("host-submit", "alice", "vision", "sleep 1", new ResourceRequest(1, 1000, 1024), Walltime: TimeSpan.FromMinutes(5));

        var result = await submission.SubmitAsync(spec, Alice).WaitAsync(Patience, TestContext.Current.CancellationToken);

        result.Succeeded.Should().BeTrue(result.Reason);
        submission.FindSpec(result.Job!.Value).Should().BeEquivalentTo(spec);
        submission.FindSpec(new JobId(987_654)).Should().BeNull();

        var refused = await submission.SubmitAsync(spec with { Request = new ResourceRequest(64, 1000, 1024) }, Alice).WaitAsync(Patience, TestContext.Current.CancellationToken);
        refused.Succeeded.Should().BeFalse();
        refused.Reason.Should().Contain("needs 64 GPUs");
    }

    private async Task<string> GetAsync(string path)
    {
        await factory.Services.GetRequiredService<EngineLoop>().Started.WaitAsync(Patience, TestContext.Current.CancellationToken);
        using var client = await SignIn.AsAsync(factory, "alice");
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        return await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
    }
}
