using Dashboard.Api.Contracts;
using Dashboard.Data.JobControl;
using Dashboard.Data.Jobs;
using Dashboard.Engine.Loop;
using Dashboard.Scheduling.Control;
using Dashboard.Scheduling.Model;
using Dashboard.Web.Api;
using Dashboard.Web.Commands;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dashboard.Web.Jobs;

/// <summary>
/// <c>/api/v1/jobs/{id}/hold</c>, <c>/release</c> and <c>/control</c>, and the submit's job-control query parameters
/// (<c>?after=41:ok&amp;hold=true</c>). Everything goes through <see cref="ClusterCommands"/>, as the caller.
/// </summary>
public static class JobControlEndpoints
{
    public static RouteGroupBuilder MapJobControlEndpoints(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        var jobs = api.MapGroup("/jobs").WithTags("Jobs");

        jobs.MapGet("/{id}/control", Get)
            .WithName("GetJobControl")
            .WithSummary("Read a job's hold, dependencies and sweep place")
            .WithDescription("Whether the job is held (by whom, with whose authority: Owner, Lead or Admin), the jobs it waits for "
                + "(\"41:ok\": after 41 succeeds; \"any\": after it ends; \"notok\": after it fails), its sweep and index, and while it "
                + "waits, why. Only its owner, a lead of its team or an admin may read it.")
            .Produces<JobControlView>()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

        jobs.MapPost("/{id}/hold", HoldAsync)
            .WithName("HoldJob")
            .WithSummary("Hold a waiting job")
            .WithDescription("A held job keeps its place in history but never starts until released. Its owner, a lead of its team or "
                + "an admin may hold it (with that authority). 409 when the job is not waiting.")
            .Produces<JobControlResult>()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        jobs.MapPost("/{id}/release", ReleaseAsync)
            .WithName("ReleaseJob")
            .WithSummary("Release a held job")
            .WithDescription("Only with at least the hold's authority: an admin's hold only an admin releases, a lead's hold a lead or "
                + "an admin (403 otherwise, saying who holds it). 409 when the job is not held.")
            .Produces<JobControlResult>()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        return api;
    }

    /// <summary>
    /// The command a submit sends: a plain <see cref="SubmitJob"/>, or with <c>after</c> or <c>hold</c> in the query, a
    /// <see cref="SubmitJobAfter"/>; a bad parameter is the 422 to answer.
    /// </summary>
    public static (ClusterCommand? Command, IResult? Problem) SubmitCommandFor(JobSpec spec, IQueryCollection query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var afterText = query[JobControlRoutes.AfterParameter].ToString();
        var holdText = query[JobControlRoutes.HoldParameter].ToString();
        if (afterText.Length == 0 && holdText.Length == 0)
        {
            return (new SubmitJob(spec), null);
        }

        var after = DependencyTerm.ParseList(afterText, out var error);
        if (error is not null)
        {
            return (null, ApiProblems.Invalid(new Dictionary<string, string>(StringComparer.Ordinal) { [JobControlRoutes.AfterParameter] = error }));
        }

        if (holdText.Length > 0 && !bool.TryParse(holdText, out _))
        {
            return (null, ApiProblems.Invalid(new Dictionary<string, string>(StringComparer.Ordinal) { [JobControlRoutes.HoldParameter] = $"\"{holdText}\" is not true or false" }));
        }

        return (new SubmitJobAfter(spec, after, holdText.Length > 0 && bool.Parse(holdText)), null);
    }

    internal static JobControlView ViewOf(JobRecord record, JobControlStore controls, ClusterEngine engine)
    {
        var id = record.Job.Id;
        var update = engine.Feed.Current;
        var live = update?.Snapshot.Controls;
        var stored = controls.Find(id);
        var hold = record.State == JobState.Pending ? live?.Holds.GetValueOrDefault(id) ?? stored?.Hold : null;
        var waiting = record.State == JobState.Pending ? update?.Explanations.GetValueOrDefault(id)?.Reason.Describe() : null;
        return new JobControlView(
            id.Value,
            hold is not null,
            hold?.By,
            hold?.Authority.ToString(),
            [.. (stored?.DependsOn ?? []).Select(t => t.ToString())],
            stored?.Sweep?.Sweep,
            stored?.Sweep?.Index,
            waiting);
    }

    private static IResult Get(HttpContext context, string id, JobStore store, JobControlStore controls, ClusterEngine engine)
    {
        var (record, problem) = JobEndpoints.FindVisible(context, id, store);
        return record is null ? problem! : TypedResults.Ok(ViewOf(record, controls, engine));
    }

    private static Task<IResult> HoldAsync(HttpContext context, string id, ClusterCommands commands, JobStore store, JobControlStore controls, ClusterEngine engine) =>
        ActAsync(context, id, store, controls, engine, "held", job => commands.HoldAsync(ApiCaller.Of(context), store, job));

    private static Task<IResult> ReleaseAsync(HttpContext context, string id, ClusterCommands commands, JobStore store, JobControlStore controls, ClusterEngine engine) =>
        ActAsync(context, id, store, controls, engine, "released", job => commands.ReleaseAsync(ApiCaller.Of(context), store, job));

    private static async Task<IResult> ActAsync(HttpContext context, string id, JobStore store, JobControlStore controls, ClusterEngine engine, string done, Func<JobId, Task<CommandResult>> act)
    {
        var (record, problem) = JobEndpoints.FindVisible(context, id, store);
        if (record is null)
        {
            return problem!;
        }

        var job = record.Job.Id;
        var answer = await act(job).ConfigureAwait(false);
        if (!answer.Succeeded)
        {
            return CommandProblems.Of(answer, $"Job {job} was not {done}");
        }

        var view = ViewOf(store.Find(job) ?? record, controls, engine);
        return TypedResults.Ok(new JobControlResult(view, $"Job {job}: {answer.Reason ?? done}."));
    }
}
