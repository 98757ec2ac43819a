using System.Net;
using System.Net.Http.Json;
using Dashboard.Api.Contracts;

namespace Dashboard.Web.Tests.Api;

/// <summary>Hold, release, control and submit-after through a real socket with personal tokens.</summary>
public sealed class JobControlApiTests(ApiHost host) : IClassFixture<ApiHost>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static async Task<JobView> SubmitAsync(HttpClient client, string path, string json)
    {
        using var content = ApiHost.Json(json);
        using var response = await client.PostAsync(new Uri(path, UriKind.Relative), content, Cancel);
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync(Cancel));
        return (await response.Content.ReadFromJsonAsync<JobView>(Cancel))!;
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string path) =>
        await client.PostAsync(new Uri(path, UriKind.Relative), null, Cancel);

    [Fact]
    public async Task A_job_submitted_after_another_and_held_is_explained_released_and_refused_to_others()
    {
        var alice = host.As("alice");
        var first = await SubmitAsync(alice, ApiRoutes.Jobs, ApiHost.SubmitJson("vision", walltime: "4h"));
        var second = await SubmitAsync(alice, JobControlRoutes.Submit($"{first.Id}:ok", hold: true), ApiHost.SubmitJson("vision"));
        await host.EngineRoundTripAsync();
        // Explanations are computed off the writer and follow the state (the explainer may be resting between states).
        await host.ExplanationsCaughtUpAsync();

        var control = (await alice.GetFromJsonAsync<JobControlView>(new Uri(JobControlRoutes.Control(second.Id), UriKind.Relative), Cancel))!;
        control.After.Should().Equal($"{first.Id}:ok");
        string[] none = [];
        (control with { After = none }).Should().Be(new JobControlView(second.Id, true, "alice", "Owner", none, null, null, "held by its owner alice"));

        using (var byBob = await PostAsync(host.As("bob"), JobControlRoutes.Release(second.Id)))
        {
            byBob.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        }

        using (var byAdmin = await PostAsync(host.As("admin"), JobControlRoutes.Hold(second.Id)))
        {
            byAdmin.StatusCode.Should().Be(HttpStatusCode.OK);
            (await byAdmin.Content.ReadFromJsonAsync<JobControlResult>(Cancel))!.Control.HoldAuthority.Should().Be("Admin");
        }

        using (var byOwner = await PostAsync(alice, JobControlRoutes.Release(second.Id)))
        {
            byOwner.StatusCode.Should().Be(HttpStatusCode.Forbidden);
            (await ApiHost.ProblemOf(byOwner)).Detail.Should().Be($"Job {second.Id} was not released: job {second.Id} is held by admin admin; only an admin can release it");
        }

        using (var released = await PostAsync(host.As("admin"), JobControlRoutes.Release(second.Id)))
        {
            released.StatusCode.Should().Be(HttpStatusCode.OK);
            var result = (await released.Content.ReadFromJsonAsync<JobControlResult>(Cancel))!;
            result.Message.Should().Be($"Job {second.Id}: released.");
            result.Control.Held.Should().BeFalse();
        }

        await host.ExplanationsCaughtUpAsync();
        (await alice.GetFromJsonAsync<JobControlView>(new Uri(JobControlRoutes.Control(second.Id), UriKind.Relative), Cancel))!
            .Waiting.Should().Be($"waits for job {first.Id} to succeed");
    }

    [Fact]
    public async Task Bad_dependencies_are_refused_with_the_reason_and_create_nothing()
    {
        var alice = host.As("alice");

        using var content = ApiHost.Json(ApiHost.SubmitJson("vision"));
        using var badRule = await alice.PostAsync(new Uri(ApiRoutes.Jobs + "?after=1:maybe", UriKind.Relative), content, Cancel);
        using var content2 = ApiHost.Json(ApiHost.SubmitJson("vision"));
        using var unknown = await alice.PostAsync(new Uri(JobControlRoutes.Submit("999999:ok", hold: false), UriKind.Relative), content2, Cancel);

        badRule.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        (await badRule.Content.ReadAsStringAsync(Cancel)).Should().Contain("is not a dependency rule");
        unknown.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        (await unknown.Content.ReadAsStringAsync(Cancel)).Should().Contain("job 999999 does not exist or is not one you may see");
    }

    [Fact]
    public async Task A_running_job_cannot_be_held()
    {
        var alice = host.As("alice");
        var job = await SubmitAsync(alice, ApiRoutes.Jobs, ApiHost.SubmitJson("vision", walltime: "4h"));
        await host.JobOnceAsync(alice, job.Id, ApiHost.IsRunning(job.Id));

        using var refused = await PostAsync(alice, JobControlRoutes.Hold(job.Id));

        refused.StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await ApiHost.ProblemOf(refused)).Detail.Should().Contain("is running; only a waiting job can be held");
    }
}
