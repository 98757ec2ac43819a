using System.Globalization;
using Dashboard.Api.Contracts;
using Dashboard.Data.JobControl;
using Dashboard.Data.Jobs;
using Dashboard.Engine.Loop;
using Dashboard.Scheduling.Model;
using Dashboard.Web.Api;
using Dashboard.Web.Commands;
using Dashboard.Web.Identity;

namespace Dashboard.Web.Jobs;

/// <summary><c>/api/v1/sweeps</c>: submit a sweep, read it, and cancel, hold or release all of it, through <see cref="ClusterCommands"/>.</summary>
public static class SweepEndpoints
{
    public static RouteGroupBuilder MapSweepEndpoints(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        var sweeps = api.MapGroup("/sweeps").WithTags("Sweeps");

        sweeps.MapPost("/", SubmitAsync)
            .WithName("SubmitSweep")
            .WithSummary("Submit a sweep (job array)")
            .WithDescription("The body is a job, as for POST /api/v1/jobs; grid (query) makes one job per combination: "
                + "\"lr=[1e-4,3e-4,1e-3] x seed=[1,2]\" makes 6 jobs, each with LR and SEED in its environment, plus DASH_SWEEP_ID and "
                + "DASH_SWEEP_INDEX, and its index in its name. maxRunning (query) limits how many run at once. At most 1000 jobs. "
                + "Answers 201 with the sweep; its id is its first job's id.")
            .Accepts<JobSubmitRequest>("application/json")
            .Produces<SweepView>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity)
            .RequireRateLimiting(JobEndpoints.SubmitRateLimitPolicy);

        sweeps.MapGet("/{id}", Get)
            .WithName("GetSweep")
            .WithSummary("Read a sweep and its progress")
            .Produces<SweepView>()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

        foreach (var action in Enum.GetValues<SweepAction>())
        {
            var name = action.ToString().ToLowerInvariant();
            sweeps.MapPost("/{id}/" + name, (HttpContext context, string id, ClusterCommands commands, JobStore store, JobControlStore controls) =>
                    ActAsync(context, id, commands, store, controls, action))
                .WithName(action + "Sweep")
                .WithSummary($"{action} every job of a sweep")
                .WithDescription("Acts on each of the sweep's waiting jobs (and for cancel, running jobs), with the caller's authority over "
                    + "the sweep's first job (the cancel rule); answers how many it changed.")
                .Produces<SweepActionResult>()
                .ProducesProblem(StatusCodes.Status403Forbidden)
                .ProducesProblem(StatusCodes.Status404NotFound)
                .ProducesProblem(StatusCodes.Status409Conflict);
        }

        sweeps.MapPost("/{id}/" + SweepRoutes.ResubmitFailedAction, ResubmitFailedAsync)
            .WithName("ResubmitFailedSweep")
            .WithSummary("Submit a sweep's failed jobs again")
            .WithDescription("Each job of the sweep that ended Failed or TimedOut is submitted again as a new job (same name, command with its "
                + "sweep values, resources and walltime), owned by the caller; who may: as cancelling the sweep, and submitting to its team. "
                + "Answers the sweep and which new jobs were made; 409 when none of its jobs failed.")
            .Produces<SweepActionResult>()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        return api;
    }

    private static async Task<IResult> ResubmitFailedAsync(HttpContext context, string id, ClusterCommands commands, JobStore store, JobControlStore controls)
    {
        var (sweep, problem) = FindVisible(context, id, store, controls);
        if (sweep is null)
        {
            return problem!;
        }

        var answer = await commands.SendAsync(ApiCaller.Of(context), new ResubmitFailedSweep(sweep.Id)).ConfigureAwait(false);
        return answer.Succeeded
            ? TypedResults.Ok(new SweepActionResult(ViewOf(sweep.Id, controls) ?? sweep, $"Sweep {sweep.Id}: {answer.Reason}."))
            : CommandProblems.Of(answer, $"Sweep {sweep.Id} was not resubmitted");
    }

    private static async Task<IResult> SubmitAsync(HttpContext context, ClusterCommands commands, JobStore store, JobControlStore controls)
    {
        var user = ApiCaller.Of(context);
        var (read, problem) = await SubmittedSpec.ReadAsync(context, user.Name).ConfigureAwait(false);
        if (read is not { } spec)
        {
            return problem!;
        }

        var maxText = context.Request.Query[SweepRoutes.MaxRunningParameter].ToString();
        int? maxRunning = null;
        if (maxText.Length > 0)
        {
            if (!int.TryParse(maxText, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            {
                return ApiProblems.Invalid(new Dictionary<string, string>(StringComparer.Ordinal) { [SweepRoutes.MaxRunningParameter] = $"\"{maxText}\" is not a whole number" });
            }

            maxRunning = parsed;
        }

        var answer = await commands.SendAsync(user, new SubmitSweep(spec, context.Request.Query[SweepRoutes.GridParameter].ToString(), maxRunning)).ConfigureAwait(false);
        return answer.Succeeded && answer.Job is { } first && ViewOf(first.Value, controls) is { } view
            ? TypedResults.Created(SweepRoutes.Sweep(first.Value), view)
            : CommandProblems.Of(answer);
    }

    private static IResult Get(HttpContext context, string id, JobStore store, JobControlStore controls)
    {
        var (sweep, problem) = FindVisible(context, id, store, controls);
        return sweep is null ? problem! : TypedResults.Ok(sweep);
    }

    private static async Task<IResult> ActAsync(HttpContext context, string id, ClusterCommands commands, JobStore store, JobControlStore controls, SweepAction action)
    {
        var (sweep, problem) = FindVisible(context, id, store, controls);
        if (sweep is null)
        {
            return problem!;
        }

        var answer = await commands.ActOnSweepAsync(ApiCaller.Of(context), store, sweep.Id, action).ConfigureAwait(false);
        return answer.Succeeded
            ? TypedResults.Ok(new SweepActionResult(ViewOf(sweep.Id, controls) ?? sweep, $"Sweep {sweep.Id}: {answer.Reason}."))
            : CommandProblems.Of(answer, $"Sweep {sweep.Id} was not changed");
    }

    private static (SweepView? Sweep, IResult? Problem) FindVisible(HttpContext context, string id, JobStore store, JobControlStore controls)
    {
        if (!long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number <= 0 || ViewOf(number, controls) is not { } sweep)
        {
            return (null, ApiProblems.NotFound($"There is no sweep '{(id.Length <= 40 ? id : id[..40])}'."));
        }

        var user = ApiCaller.Of(context);
        return user.CanSeeJob(sweep.Owner, sweep.Team)
            ? (sweep, null)
            : (null, ApiProblems.Forbidden($"Only its owner, a lead of team {sweep.Team} or an admin may see or act on sweep {number}."));
    }

    internal static SweepView? ViewOf(long id, JobControlStore controls) =>
        controls.Sweep(id) is { } tally
            ? new SweepView(tally.Id, tally.Name, tally.Owner, tally.Team, tally.Size, tally.MaxRunning, [.. controls.SweepJobs(id).Select(j => j.Value)],
                tally.Succeeded, tally.Failed, tally.Cancelled, tally.Describe())
            : null;
}
