using System.Net;
using System.Net.Http.Json;
using Dashboard.Api.Contracts;

namespace Dashboard.Web.Tests.Api;

/// <summary>Edit (and its what-if) and requeue through a real socket with personal tokens.</summary>
public sealed class JobEditApiTests(ApiHost host) : IClassFixture<ApiHost>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static async Task<JobView> SubmitHeldAsync(HttpClient client)
    {
        using var content = ApiHost.Json(ApiHost.SubmitJson("vision", name: "to-edit"));
        using var response = await client.PostAsync(new Uri(JobControlRoutes.Submit(null, hold: true), UriKind.Relative), content, Cancel);
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync(Cancel));
        return (await response.Content.ReadFromJsonAsync<JobView>(Cancel))!;
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string path, string? json = null)
    {
        using var content = json is null ? null : ApiHost.Json(json);
        return await client.PostAsync(new Uri(path, UriKind.Relative), content, Cancel);
    }

    [Fact]
    public async Task An_edit_changes_only_the_fields_given_and_its_what_if_saves_nothing()
    {
        var alice = host.As("alice");
        var job = await SubmitHeldAsync(alice);

        using (var preview = await PostAsync(alice, JobEditRoutes.EditWhatIf(job.Id), """{"gpus": 1, "priority": 3}"""))
        {
            preview.StatusCode.Should().Be(HttpStatusCode.OK, await preview.Content.ReadAsStringAsync(Cancel));
            var said = (await preview.Content.ReadFromJsonAsync<JobEditPreview>(Cancel))!;
            said.Outcome.Should().BeOneOf("starts", "queued");
            (await ApiHost.ReadJobAsync(alice, job.Id)).Request.Gpus.Should().Be(0, "a what-if saves nothing");
        }

        using var edited = await PostAsync(alice, JobEditRoutes.Edit(job.Id), """{"name": "edited", "gpus": 1, "priority": 3, "walltime": "30m"}""");

        edited.StatusCode.Should().Be(HttpStatusCode.OK, await edited.Content.ReadAsStringAsync(Cancel));
        var view = (await edited.Content.ReadFromJsonAsync<JobView>(Cancel))!;
        (view.Name, view.Request.Gpus, view.Request.Priority, view.Request.WalltimeSeconds, view.Command, view.State).Should()
            .Be(("edited", 1, 3, 1800L, "sleep 1", "Pending"));
    }

    [Fact]
    public async Task A_bad_edit_is_refused_with_the_field_and_changes_nothing()
    {
        var alice = host.As("alice");
        var job = await SubmitHeldAsync(alice);

        using var team = await PostAsync(alice, JobEditRoutes.Edit(job.Id), """{"team": "nlp"}""");
        using var control = await PostAsync(alice, JobEditRoutes.Edit(job.Id), """{"name": "bad\u0007name"}""");
        using var huge = await PostAsync(alice, JobEditRoutes.Edit(job.Id), """{"gpus": 64}""");
        using var byBob = await PostAsync(host.As("bob"), JobEditRoutes.Edit(job.Id), """{"name": "bobs"}""");

        team.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        (await team.Content.ReadAsStringAsync(Cancel)).Should().Contain("An edit keeps the job's team (vision)");
        control.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        (await control.Content.ReadAsStringAsync(Cancel)).Should().Contain("\"name\"");
        huge.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        byBob.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        var now = await ApiHost.ReadJobAsync(alice, job.Id);
        (now.Name, now.Request.Gpus).Should().Be(("to-edit", 0));
    }

    [Fact]
    public async Task A_running_job_is_not_edited_and_is_requeued_keeping_its_id()
    {
        var alice = host.As("alice");
        var job = await ApiHost.SubmitAsync(alice, "vision", name: "requeue-me");
        await host.JobOnceAsync(alice, job.Id, ApiHost.IsRunning(job.Id));

        using (var edit = await PostAsync(alice, JobEditRoutes.Edit(job.Id), """{"name": "late"}"""))
        {
            edit.StatusCode.Should().Be(HttpStatusCode.Conflict);
            (await ApiHost.ProblemOf(edit)).Detail.Should().Contain("is running; only a waiting job can be edited");
        }

        var backInQueue = host.Engine.Feed.WaitForAsync(u => u.Events.OfType<Dashboard.Engine.Feed.JobStateChangedEvent>()
            .Any(e => e.Job.Value == job.Id && e.From == Dashboard.Scheduling.Model.JobState.Running && e.To == Dashboard.Scheduling.Model.JobState.Pending), Cancel);
        using var requeued = await PostAsync(alice, JobEditRoutes.Requeue(job.Id));

        requeued.StatusCode.Should().Be(HttpStatusCode.OK, await requeued.Content.ReadAsStringAsync(Cancel));
        var result = (await requeued.Content.ReadFromJsonAsync<JobRequeueResult>(Cancel))!;
        result.Stopping.Should().BeTrue();
        result.Attempt.Should().Be(2);
        result.Job.Id.Should().Be(job.Id);
        await backInQueue.WaitAsync(ApiHost.Patience, Cancel);
    }

    [Fact]
    public async Task An_ended_job_is_requeued_a_waiting_one_is_not_and_others_may_not()
    {
        var alice = host.As("alice");
        var job = await SubmitHeldAsync(alice);

        using (var waiting = await PostAsync(alice, JobEditRoutes.Requeue(job.Id)))
        {
            waiting.StatusCode.Should().Be(HttpStatusCode.Conflict);
            (await ApiHost.ProblemOf(waiting)).Detail.Should().Contain("is already waiting in the queue");
        }

        (await PostAsync(alice, ApiRoutes.Job(job.Id) + "/cancel")).StatusCode.Should().Be(HttpStatusCode.OK);
        using (var byBob = await PostAsync(host.As("bob"), JobEditRoutes.Requeue(job.Id)))
        {
            byBob.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        }

        using var requeued = await PostAsync(alice, JobEditRoutes.Requeue(job.Id));

        requeued.StatusCode.Should().Be(HttpStatusCode.OK, await requeued.Content.ReadAsStringAsync(Cancel));
        var result = (await requeued.Content.ReadFromJsonAsync<JobRequeueResult>(Cancel))!;
        result.Stopping.Should().BeFalse();
        result.Attempt.Should().Be(2);
        result.Job.State.Should().BeOneOf("Pending", "Running");
        result.Job.EndedAt.Should().BeNull();
    }
}
