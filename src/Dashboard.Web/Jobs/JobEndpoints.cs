using Dashboard.Api.Contracts;
using Dashboard.Data.Allocations;
using Dashboard.Data.Jobs;
using Dashboard.Engine.Loop;
using Dashboard.Scheduling.Model;
using Dashboard.Web.Commands;
using Dashboard.Web.Identity;
using Microsoft.AspNetCore.Http.HttpResults;
using ApiJobPage = Dashboard.Api.Contracts.JobPage;
using Dashboard.Web.Api;

namespace Dashboard.Web.Jobs;

/// <summary>
/// <c>/api/v1/jobs</c>: submit, list, read and cancel jobs. Submits and cancels go through <see cref="ClusterCommands"/>
/// (the one door, as for the pages), as the caller; reads show only jobs the caller may see (<see cref="Permissions"/>).
/// </summary>
public static class JobEndpoints
{
    public const string SubmitRateLimitPolicy = "api-submit";

    public static RouteGroupBuilder MapJobEndpoints(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        var jobs = api.MapGroup("/jobs").WithTags("Jobs");

        jobs.MapPost("/", SubmitAsync)
            .WithName("SubmitJob")
            .WithSummary("Submit a job")
            .WithDescription("Same fields, units and rules as the Submit form (CPU in cores, memory in GiB, walltime as text such as \"2h30m\"). "
                + "The owner is always the caller; a member submits only to their own teams. A request that can never fit is refused "
                + "with the form's reason (422). Answers 201 with the job and its Location once the engine has committed it. "
                + "Submits are rate limited per user (429 with Retry-After).")
            .Accepts<JobSubmitRequest>("application/json")
            .Produces<JobView>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .RequireRateLimiting(SubmitRateLimitPolicy);

        jobs.MapGet("/", List)
            .WithName("ListJobs")
            .WithSummary("List jobs")
            .WithDescription("The jobs the caller may see (admins all; team leads their own and their teams'; members their own), filtered, "
                + "sorted and paged on the server like the Jobs page. state: comma-separated states (Pending,Running,Succeeded,Failed,"
                + "Cancelled,TimedOut,Rejected); team; owner; text (part of the name or command, or the id); mine (default true, "
                + "false when owner is given); page (from 1); pageSize (1-500, default 25); sort (id, name, owner, team, state, gpus, "
                + "submitted, started, ended; default id); order (desc, the default, or asc). Each page answers next: a cursor to pass as after= "
                + "for the page after it (keyset paging: no row is repeated or skipped while jobs are added; the cursor keeps its sort and order; "
                + "page and after cannot be combined). page/pageSize offsets keep working. sweep: a sweep's id (its first job's) lists only its jobs, "
                + "each attempt one by one.")
            .Produces<ApiJobPage>()
            .ProducesValidationProblem(StatusCodes.Status400BadRequest);

        jobs.MapGet("/{id}", Get)
            .WithName("GetJob")
            .WithSummary("Read one job")
            .WithDescription("The job's request, state, times, exit code, allocation (node and GPU indices) and, while it is pending, "
                + "why it waits and when it should start. Only its owner, a lead of its team or an admin may read it (403 otherwise).")
            .Produces<JobView>()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

        jobs.MapPost("/{id}/cancel", CancelAsync)
            .WithName("CancelJob")
            .WithSummary("Cancel a job")
            .WithDescription("A pending job leaves the queue; a running job is stopped (SIGTERM, then SIGKILL after the grace period) and "
                + "stopping is true until it has ended. Its owner, a lead of its team or an admin may cancel it. 409 when it has already ended.")
            .Produces<JobCancelResult>()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        jobs.MapJobLogEndpoint();
        return api;
    }

    private static async Task<IResult> SubmitAsync(HttpContext context, ClusterCommands commands, JobStore store, ClusterEngine engine)
    {
        var user = ApiCaller.Of(context);
        var (read, problem) = await SubmittedSpec.ReadAsync(context, user.Name).ConfigureAwait(false);
        if (read is not { } spec)
        {
            return problem!;
        }

        var (command, badQuery) = JobControlEndpoints.SubmitCommandFor(spec, context.Request.Query);
        if (command is null)
        {
            return badQuery!;
        }

        var answer = await commands.SendAsync(user, command).ConfigureAwait(false);
        if (answer.Succeeded && answer.Job is { } id)
        {
            var record = store.Find(id);
            var view = record is null ? null : JobViews.Of(record, engine.Feed.Current);
            return TypedResults.Created(ApiRoutes.Job(id.Value), view);
        }

        return CommandProblems.Of(answer);
    }

    private static IResult List(
        HttpContext context,
        JobStore store,
        ClusterEngine engine,
        string? state,
        string? team,
        string? owner,
        string? text,
        string? mine,
        string? page,
        string? pageSize,
        string? sort,
        string? order,
        string? after,
        string? sweep)
    {
        var user = ApiCaller.Of(context);
        if (JobListParameters.UnknownOf(context.Request.Query.Keys) is { Count: > 0 } unknown)
        {
            return ApiProblems.BadQuery(unknown);
        }

        var (query, number, size, problems) = new JobListParameters(state, team, owner, text, mine, page, pageSize, sort, order, after, sweep).Read(user.Name);
        if (query is null)
        {
            return ApiProblems.BadQuery(problems);
        }

        var found = store.Page(query with { VisibleTo = user.JobVisibility() });
        var update = engine.Feed.Current;
        return TypedResults.Ok(new ApiJobPage([.. found.Items.Select(r => JobViews.Of(r, update))], found.TotalCount, number, size, found.Next?.Token, found.TotalIsLowerBound));
    }

    private static IResult Get(HttpContext context, string id, JobStore store, AllocationStore allocations, ClusterEngine engine)
    {
        var (record, problem) = FindVisible(context, id, store);
        return record is null ? problem! : TypedResults.Ok(JobViews.Of(record, engine.Feed.Current, allocations.ForJob(record.Job.Id)));
    }

    private static async Task<IResult> CancelAsync(HttpContext context, string id, ClusterCommands commands, JobStore store, AllocationStore allocations, ClusterEngine engine)
    {
        var (record, problem) = FindVisible(context, id, store);
        if (record is null)
        {
            return problem!;
        }

        var user = ApiCaller.Of(context);
        var job = record.Job.Id;
        if (record.State.IsTerminal())
        {
            return ApiProblems.Conflict($"Job {job} has already ended ({record.State}); there is nothing to cancel.");
        }

        var answer = await commands.CancelAsync(user, job).ConfigureAwait(false);
        if (!answer.Succeeded)
        {
            return CommandProblems.Of(answer, $"Job {job} was not cancelled");
        }

        var now = store.Find(job) ?? record;
        var stopping = answer.Outcome == CommandOutcome.Stopping;
        var message = stopping ? $"Job {job} is stopping; its resources are released when it has ended." : $"Job {job} was cancelled.";
        return TypedResults.Ok(new JobCancelResult(JobViews.Of(now, engine.Feed.Current, allocations.ForJob(job)), stopping, message));
    }

    /// <summary>The job named by the route, when the caller may see it; otherwise the 404 or 403 to answer.</summary>
    internal static (JobRecord? Record, IResult? Problem) FindVisible(HttpContext context, string id, JobStore store)
    {
        if (!long.TryParse(id, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number) || number <= 0)
        {
            return (null, ApiProblems.NotFound($"There is no job '{(id.Length <= 40 ? id : id[..40] + "…")}': job ids are positive whole numbers."));
        }

        var record = store.Find(new JobId(number));
        if (record is null)
        {
            return (null, ApiProblems.NotFound($"There is no job {number}."));
        }

        var user = ApiCaller.Of(context);
        var spec = record.Job.Spec;
        return user.CanSeeJob(spec.Owner, spec.Team)
            ? (record, null)
            : (null, ApiProblems.Forbidden($"Only its owner, a lead of team {spec.Team} or an admin may see or act on job {number}."));
    }
}
