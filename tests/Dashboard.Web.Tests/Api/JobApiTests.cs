using System.Net;
using System.Net.Http.Json;
using Dashboard.Api.Contracts;
using Dashboard.Data.Audit;
using Dashboard.Web.Jobs;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Web.Tests.Api;

/// <summary>The job endpoints through a real socket with personal tokens: each happy path and each refusal.</summary>
public sealed class JobApiTests(ApiHost host) : IClassFixture<ApiHost>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Submit_answers_201_with_the_job_and_its_location_and_the_owner_is_always_the_caller()
    {
        var alice = host.As("alice");
        using var content = ApiHost.Json("""
            {"name": "train", "command": "python train.py", "team": "vision", "gpus": 1, "cpu": 2.5, "cpuLimit": 4, "memory": 8,
             "memoryLimit": 16, "walltime": "2h30m", "priority": 5}
            """);

        using var response = await alice.PostAsync(new Uri(ApiRoutes.Jobs, UriKind.Relative), content, Cancel);

        response.StatusCode.Should().Be(HttpStatusCode.Created);
        var job = (await response.Content.ReadFromJsonAsync<JobView>(Cancel))!;
        response.Headers.Location!.ToString().Should().Be(ApiRoutes.Job(job.Id));
        job.Owner.Should().Be("alice");
        job.Team.Should().Be("vision");
        job.Command.Should().Be("python train.py");
        job.Request.Should().Be(new JobRequestView(1, null, 2.5m, 4m, 8m, 16m, "2h30m", 9000, 5));
        job.State.Should().BeOneOf("Pending", "Running");

        using var read = await alice.GetAsync(new Uri(ApiRoutes.Job(job.Id), UriKind.Relative), Cancel);
        var again = (await read.Content.ReadFromJsonAsync<JobView>(Cancel))!;
        again.Id.Should().Be(job.Id);
        again.Name.Should().Be("train");
    }

    [Fact]
    public async Task A_running_job_shows_its_node_and_gpu_indices_and_is_flagged_simulated_on_a_demo_node()
    {
        var alice = host.As("alice");
        var submitted = await ApiHost.SubmitAsync(alice, "vision", gpus: 2, name: "placed");

        var job = await host.JobOnceAsync(alice, submitted.Id, ApiHost.IsRunning(submitted.Id));
        job.State.Should().Be("Running");

        job.Allocation.Should().NotBeNull();
        job.Allocation!.GpuIndices.Should().HaveCount(2);
        job.Allocation.Node.Should().StartWith("demo");
        job.Allocation.Current.Should().BeTrue();
        job.Simulated.Should().BeTrue();
        job.StartedAt.Should().NotBeNull();
    }

    [Fact]
    public async Task Invalid_fields_get_422_with_the_forms_own_messages_by_field_and_nothing_is_submitted()
    {
        var alice = host.As("alice");
        var before = await TotalAsync(host.As("admin"));
        using var content = ApiHost.Json("""{"name": "", "command": "x", "team": "vision", "gpus": 2.5, "cpu": -1, "memory": 1, "walltime": "soon", "colour": "red"}""");

        using var response = await alice.PostAsync(new Uri(ApiRoutes.Jobs, UriKind.Relative), content, Cancel);

        response.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        var problem = await ApiHost.ProblemOf(response);
        problem.Errors.Should().ContainKeys("name", "gpus", "cpu", "walltime", "colour");
        var form = SubmitFormMapping.Read(new SubmitForm { Name = "", Command = "x", Team = "vision", Gpus = "2.5", Cpu = "-1", Memory = "1", Walltime = "soon" }, "alice");
        foreach (var field in new[] { "name", "gpus", "cpu", "walltime" })
        {
            problem.Errors![field].Should().Equal([form.ErrorOf(field)], $"the API and the form say the same about {field}");
        }

        problem.Errors!["colour"].Single().Should().StartWith("Unknown field");
        (await TotalAsync(host.As("admin"))).Should().Be(before);
    }

    [Fact]
    public async Task A_wrong_json_type_is_named_under_its_field()
    {
        using var content = ApiHost.Json("""{"name": 42, "command": "x", "team": "vision", "gpus": "2", "cpu": 1, "memory": 1}""");

        using var response = await host.As("alice").PostAsync(new Uri(ApiRoutes.Jobs, UriKind.Relative), content, Cancel);

        response.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        var problem = await ApiHost.ProblemOf(response);
        problem.Errors!["name"].Single().Should().Be("Name must be text (a JSON string); it was a number.");
        problem.Errors["gpus"].Single().Should().Be("GPUs must be a number (not in quotes); it was text.");
    }

    [Fact]
    public async Task A_request_that_can_never_fit_is_refused_with_the_forms_reason()
    {
        using var content = ApiHost.Json(ApiHost.SubmitJson("vision", gpus: 16));

        using var response = await host.As("alice").PostAsync(new Uri(ApiRoutes.Jobs, UriKind.Relative), content, Cancel);

        response.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        var problem = await ApiHost.ProblemOf(response);
        problem.Title.Should().Be("The job can never run");
        problem.Detail.Should().Contain("16 GPUs").And.Contain("the largest node has 4");
    }

    [Fact]
    public async Task A_member_cannot_submit_to_a_team_they_are_not_in()
    {
        using var content = ApiHost.Json(ApiHost.SubmitJson("nlp"));

        using var response = await host.As("alice").PostAsync(new Uri(ApiRoutes.Jobs, UriKind.Relative), content, Cancel);

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await ApiHost.ProblemOf(response)).Detail.Should().Contain("You are not a member of team nlp").And.Contain("you can submit to vision");
    }

    [Theory]
    [InlineData("text/plain", HttpStatusCode.UnsupportedMediaType)]
    [InlineData("application/x-www-form-urlencoded", HttpStatusCode.UnsupportedMediaType)]
    [InlineData("application/json", HttpStatusCode.BadRequest)]
    public async Task Bodies_that_are_not_json_objects_get_a_problem(string mediaType, HttpStatusCode expected)
    {
        using var content = new StringContent("{\"name\": ", System.Text.Encoding.UTF8, mediaType);

        using var response = await host.As("alice").PostAsync(new Uri(ApiRoutes.Jobs, UriKind.Relative), content, Cancel);

        response.StatusCode.Should().Be(expected);
        (await ApiHost.ProblemOf(response)).Detail.Should().NotBeNullOrWhiteSpace();
    }

    [Fact]
    public async Task Members_list_their_own_jobs_leads_their_teams_and_admins_all()
    {
        var alice = await ApiHost.SubmitAsync(host.As("alice"), "vision", name: "alice-listed");
        var bob = await ApiHost.SubmitAsync(host.As("bob"), "nlp", name: "bob-listed");

        var aliceSees = await ListAsync(host.As("alice"), "mine=false&pageSize=500");
        var leadSees = await ListAsync(host.As("lead"), "mine=false&pageSize=500");
        var leadOwn = await ListAsync(host.As("lead"), "pageSize=500");
        var adminSees = await ListAsync(host.As("admin"), "mine=false&pageSize=500");

        aliceSees.Items.Select(j => j.Owner).Should().OnlyContain(o => o == "alice");
        aliceSees.Items.Select(j => j.Id).Should().Contain(alice.Id).And.NotContain(bob.Id);
        leadSees.Items.Select(j => j.Id).Should().Contain(alice.Id).And.NotContain(bob.Id);
        leadOwn.Items.Should().OnlyContain(j => j.Owner == "lead", "mine=true is the default, as on the Jobs page");
        adminSees.Items.Select(j => j.Id).Should().Contain([alice.Id, bob.Id]);
    }

    [Fact]
    public async Task The_list_filters_sorts_and_pages_on_the_server()
    {
        var alice = host.As("alice");
        var first = await ApiHost.SubmitAsync(alice, "vision", name: "paged-a");
        var second = await ApiHost.SubmitAsync(alice, "vision", name: "paged-b");

        var page = await ListAsync(alice, "text=paged-&sort=id&order=asc&pageSize=1&page=2");

        page.Total.Should().Be(2);
        page.Page.Should().Be(2);
        page.PageSize.Should().Be(1);
        page.Items.Should().ContainSingle().Which.Id.Should().Be(second.Id);
        var byState = await ListAsync(alice, "text=paged-&state=Succeeded,Failed");
        byState.Total.Should().Be(0);
        first.Id.Should().BeLessThan(second.Id);
    }

    [Fact]
    public async Task The_next_cursor_continues_the_list_without_repeating_a_job_while_jobs_are_added()
    {
        var alice = host.As("alice");
        var a = await ApiHost.SubmitAsync(alice, "vision", name: "cursor-a");
        var b = await ApiHost.SubmitAsync(alice, "vision", name: "cursor-b");
        var c = await ApiHost.SubmitAsync(alice, "vision", name: "cursor-c");

        var first = await ListAsync(alice, "text=cursor-&pageSize=2");
        first.Items.Select(j => j.Id).Should().Equal(c.Id, b.Id);
        first.Next.Should().NotBeNullOrEmpty();
        await ApiHost.SubmitAsync(alice, "vision", name: "cursor-d");

        var second = await ListAsync(alice, $"text=cursor-&pageSize=2&after={first.Next}");
        second.Items.Select(j => j.Id).Should().Equal([a.Id], "the page goes on after job {0}, not two rows further down a list that grew", b.Id);
        second.Next.Should().BeNull("the page was not full");
        second.Page.Should().Be(0, "a page read with a cursor has no number");
        second.Total.Should().Be(4);

        using var withPage = await alice.GetAsync(new Uri($"{ApiRoutes.Jobs}?pageSize=2&page=2&after={first.Next}", UriKind.Relative), Cancel);
        withPage.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await ApiHost.ProblemOf(withPage)).Errors.Should().ContainKey("page");
        using var otherSort = await alice.GetAsync(new Uri($"{ApiRoutes.Jobs}?sort=name&after={first.Next}", UriKind.Relative), Cancel);
        otherSort.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await ApiHost.ProblemOf(otherSort)).Errors!["after"].Should().ContainSingle().Which.Should().Contain("sorted by id desc");
    }

    [Theory]
    [InlineData("after=not-a-cursor", "after")]
    [InlineData("after=WyJqMSIsIklkIix0cnVlLG51bGwsbnVsbCwtMV0", "after")]
    [InlineData("state=Sleeping", "state")]
    [InlineData("state=1", "state")]
    [InlineData("page=0", "page")]
    [InlineData("pageSize=501", "pageSize")]
    [InlineData("sort=password", "sort")]
    [InlineData("order=up", "order")]
    [InlineData("mine=maybe", "mine")]
    [InlineData("mine=true&owner=bob", "owner")]
    [InlineData("limit=10", "limit")]
    [InlineData("state=Running&cursor=abc", "cursor")]
    public async Task Bad_list_parameters_get_400_naming_the_parameter(string query, string parameter)
    {
        using var response = await host.As("alice").GetAsync(new Uri(ApiRoutes.Jobs + "?" + query, UriKind.Relative), Cancel);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await ApiHost.ProblemOf(response)).Errors.Should().ContainKey(parameter);
    }

    [Fact]
    public async Task List_parameters_are_read_whatever_their_case()
    {
        using var response = await host.As("alice").GetAsync(new Uri(ApiRoutes.Jobs + "?PageSize=2&MINE=false", UriKind.Relative), Cancel);

        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Cancel));
        (await response.Content.ReadFromJsonAsync<Dashboard.Api.Contracts.JobPage>(Cancel))!.PageSize.Should().Be(2);
    }

    [Fact]
    public async Task Another_members_job_is_403_and_an_unknown_job_404()
    {
        var job = await ApiHost.SubmitAsync(host.As("alice"), "vision", name: "private");
        var bob = host.As("bob");

        using var other = await bob.GetAsync(new Uri(ApiRoutes.Job(job.Id), UriKind.Relative), Cancel);
        using var otherLogs = await bob.GetAsync(new Uri(ApiRoutes.Logs(job.Id), UriKind.Relative), Cancel);
        using var otherCancel = await bob.PostAsync(new Uri(ApiRoutes.Cancel(job.Id), UriKind.Relative), null, Cancel);
        using var unknown = await bob.GetAsync(new Uri(ApiRoutes.Job(999_999), UriKind.Relative), Cancel);
        using var notAnId = await bob.GetAsync(new Uri(ApiRoutes.Jobs + "/abc", UriKind.Relative), Cancel);

        other.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        otherLogs.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        otherCancel.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        unknown.StatusCode.Should().Be(HttpStatusCode.NotFound);
        notAnId.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await ApiHost.ProblemOf(unknown)).Detail.Should().Be("There is no job 999999.");
        (await ApiHost.ReadJobAsync(host.As("alice"), job.Id)).State.Should().NotBe("Cancelled");
    }

    [Fact]
    public async Task The_owner_cancels_and_a_second_cancel_is_409_and_the_cancel_is_audited_against_the_caller()
    {
        var alice = host.As("alice");
        var job = await ApiHost.SubmitAsync(alice, "vision", name: "to-cancel");

        using var cancelled = await alice.PostAsync(new Uri(ApiRoutes.Cancel(job.Id), UriKind.Relative), null, Cancel);
        cancelled.StatusCode.Should().Be(HttpStatusCode.OK);
        var result = (await cancelled.Content.ReadFromJsonAsync<JobCancelResult>(Cancel))!;
        result.Job.Id.Should().Be(job.Id);
        var ended = await host.JobOnceAsync(alice, job.Id, ApiHost.HasEnded(job.Id));
        ended.State.Should().Be("Cancelled");
        ended.EndedAt.Should().NotBeNull();

        using var again = await alice.PostAsync(new Uri(ApiRoutes.Cancel(job.Id), UriKind.Relative), null, Cancel);
        again.StatusCode.Should().Be(HttpStatusCode.Conflict);
        var audit = host.Factory.Services.GetRequiredService<AuditStore>();
        audit.Query(new AuditQuery(Actor: "alice", Action: "job.cancel"), 0, 100).Records.Should().Contain(e => e.Entry.Target == $"job:{job.Id}");
    }

    [Fact]
    public async Task A_team_lead_cancels_a_members_job_in_their_team()
    {
        var job = await ApiHost.SubmitAsync(host.As("alice"), "vision", name: "lead-cancels");

        using var cancelled = await host.As("lead").PostAsync(new Uri(ApiRoutes.Cancel(job.Id), UriKind.Relative), null, Cancel);

        cancelled.StatusCode.Should().Be(HttpStatusCode.OK);
        (await host.JobOnceAsync(host.As("alice"), job.Id, ApiHost.HasEnded(job.Id))).State.Should().Be("Cancelled");
    }

    [Fact]
    public async Task A_pending_job_says_why_it_waits()
    {
        // A host of its own: this test fills every GPU.
        await using var own = new ApiHost();
        await own.InitializeAsync();
        var bob = own.As("bob");
        for (var i = 0; i < 2; i++)
        {
            await ApiHost.SubmitAsync(bob, "nlp", gpus: 4, name: "filler");
        }

        var waiting = await ApiHost.SubmitAsync(bob, "nlp", gpus: 4, name: "waiter");

        var job = await own.JobOnceAsync(bob, waiting.Id, ApiHost.IsExplained(waiting.Id));
        job.State.Should().Be("Pending");
        job.Pending!.Reason.Should().Contain("GPU");
        job.Allocation.Should().BeNull();
    }

    private static async Task<Dashboard.Api.Contracts.JobPage> ListAsync(HttpClient client, string query) =>
        (await client.GetFromJsonAsync<Dashboard.Api.Contracts.JobPage>(new Uri(ApiRoutes.Jobs + "?" + query, UriKind.Relative), Cancel))!;

    private static async Task<int> TotalAsync(HttpClient admin) => (await ListAsync(admin, "mine=false&pageSize=1")).Total;
}
