using System.Globalization;
using Dashboard.Api.Contracts;
using Dashboard.Data.Allocations;
using Dashboard.Data.Jobs;
using Dashboard.Data.Sessions;
using Dashboard.Engine.Loop;
using Dashboard.Engine.Sessions;
using Dashboard.Scheduling.Model;
using Dashboard.Web.Api;
using Dashboard.Web.Commands;
using Dashboard.Web.Identity;
using Dashboard.Web.Jobs;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dashboard.Web.Sessions;

/// <summary>
/// <c>/api/v1/sessions</c>: the types the caller may start, start one (through the command door, as the caller), list
/// the caller's sessions, read one, stop one. <c>dash session</c> is a client of these.
/// </summary>
public static class SessionApi
{
    private static readonly string[] StartFields = ["type", "team", "gpus", "walltime", "command"];

    private static readonly string[] ExtendFields = ["by"];

    public static RouteGroupBuilder MapSessionEndpoints(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        var sessions = api.MapGroup("/sessions").WithTags("Sessions");
        sessions.MapGet("/types", Types).WithName("ListSessionTypes").WithSummary("Session types the caller may start").Produces<IReadOnlyList<SessionTypeView>>();
        sessions.MapPost("/", StartAsync).WithName("StartSession").WithSummary("Start an interactive session")
            .WithDescription("A session is a job (queued, quota, accounting) running the type's server on a free port of its node; open it at url once status is ready.")
            .Accepts<SessionStartRequest>("application/json")
            .Produces<SessionView>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);
        sessions.MapGet("/notices", Notices).WithName("ListSessionNotices").WithSummary("What the dashboard told the caller about their jobs (the idle policy's warnings, stops and flags), newest first")
            .Produces<IReadOnlyList<JobNoticeView>>();
        sessions.MapGet("/", List).WithName("ListSessions").WithSummary("The caller's sessions, newest first (all= true for ended ones too)").Produces<IReadOnlyList<SessionView>>();
        sessions.MapGet("/{id}", Get).WithName("GetSession").WithSummary("Read one session").Produces<SessionView>().ProducesProblem(StatusCodes.Status404NotFound);
        sessions.MapPost("/{id}/stop", StopAsync).WithName("StopSession").WithSummary("Stop a session (its folder is kept)").Produces<SessionView>()
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        sessions.MapPost("/{id}/extend", ExtendAsync).WithName("ExtendSession").WithSummary("Give a running session more time, re-checked like a submit")
            .WithDescription("Refused with the reason when the walltime would pass the limit, the team is above its quota, or a start promised to a waiting job would come later.")
            .Accepts<SessionExtendRequest>("application/json")
            .Produces<SessionView>()
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);
        return api;
    }

    /// <summary>The types <paramref name="user"/> may start (role allowed; team list empty or sharing a team with them).</summary>
    public static IReadOnlyList<SessionTypeOptions> OfferedTo(SessionTypes types, ICurrentUser user)
    {
        ArgumentNullException.ThrowIfNull(types);
        ArgumentNullException.ThrowIfNull(user);
        return [.. types.All.Where(t =>
            (t.Roles.Count == 0 || t.Roles.Contains(user.Role.ToString(), StringComparer.OrdinalIgnoreCase))
            && (t.Teams.Count == 0 || user.IsAdmin() || t.Teams.Any(user.Teams.Contains)))];
    }

    private static Ok<List<SessionTypeView>> Types(HttpContext context, SessionTypes types) =>
        TypedResults.Ok(OfferedTo(types, ApiCaller.Of(context)).Select(t => new SessionTypeView(t.Name, t.Title.Length > 0 ? t.Title : t.Name, t.Gpus, t.WalltimeHours, t.CommandFromUser)).ToList());

    private static async Task<IResult> StartAsync(HttpContext context, SessionTypes types, ClusterCommands commands, JobStore store, ClusterEngine engine, SessionViews views)
    {
        var user = ApiCaller.Of(context);
        var (body, problem) = await JsonObjectBody.ReadAsync(context.Request, StartFields, context.RequestAborted).ConfigureAwait(false);
        if (body is null)
        {
            return problem!;
        }

        var gpusText = body.NumberText("gpus", "GPUs");
        int? gpus = null;
        if (gpusText.Length > 0)
        {
            if (int.TryParse(gpusText, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            {
                gpus = parsed;
            }
            else
            {
                return ApiProblems.Invalid(new Dictionary<string, string> { ["gpus"] = "GPUs must be a whole number." });
            }
        }

        var input = new SessionStartInput(body.Text("type", "Type"), body.Text("team", "Team"), gpus, body.Text("walltime", "Walltime"), body.Text("command", "Command"));
        if (body.ErrorsByField() is { Count: > 0 } bodyErrors)
        {
            return ApiProblems.Invalid(bodyErrors);
        }

        var (spec, type, errors) = SessionStartRequestReading.Read(types, input, user.Name);
        if (spec is null || type is null)
        {
            return ApiProblems.Invalid(errors);
        }

        var answer = await commands.SendAsync(user, new StartSession(spec, type)).ConfigureAwait(false);
        if (answer.Succeeded && answer.Job is { } id && store.Find(id) is { } record)
        {
            return TypedResults.Created(ApiRoutes.Sessions + "/" + id, views.Of(record, engine.Feed.Current));
        }

        return CommandProblems.Of(answer);
    }

    private static Ok<List<JobNoticeView>> Notices(HttpContext context, JobNoticeStore notices) =>
        TypedResults.Ok(notices.ForOwner(ApiCaller.Of(context).Name).Select(n => new JobNoticeView(n.Job.Value, n.At, n.Kind.ToString(), n.Message)).ToList());

    private static Ok<List<SessionView>> List(HttpContext context, JobStore store, ClusterEngine engine, SessionViews views, string? all)
    {
        var user = ApiCaller.Of(context);
        var states = all is "true" or "1" ? null : new HashSet<JobState> { JobState.Pending, JobState.Running };
        var page = store.Page(new JobQuery(States: states, Owner: user.Name, PageSize: JobQuery.MaxPageSize));
        var update = engine.Feed.Current;
        return TypedResults.Ok(page.Items.Where(r => r.Job.IsSession).Select(r => views.Of(r, update)).ToList());
    }

    private static IResult Get(HttpContext context, string id, JobStore store, AllocationStore allocations, ClusterEngine engine, SessionViews views)
    {
        var (record, problem) = FindSession(context, id, store);
        return record is null ? problem! : TypedResults.Ok(views.Of(record, engine.Feed.Current, allocations.ForJob(record.Job.Id)));
    }

    private static async Task<IResult> StopAsync(HttpContext context, string id, ClusterCommands commands, JobStore store, ClusterEngine engine, SessionViews views)
    {
        var (record, problem) = FindSession(context, id, store);
        if (record is null)
        {
            return problem!;
        }

        if (record.State.IsTerminal())
        {
            return ApiProblems.Conflict($"Session {record.Job.Id} has already ended.");
        }

        var answer = await commands.CancelAsync(ApiCaller.Of(context), record.Job.Id).ConfigureAwait(false);
        return answer.Succeeded
            ? TypedResults.Ok(views.Of(store.Find(record.Job.Id) ?? record, engine.Feed.Current))
            : CommandProblems.Of(answer, $"Session {record.Job.Id} was not stopped");
    }

    private static async Task<IResult> ExtendAsync(HttpContext context, string id, ClusterCommands commands, JobStore store, ClusterEngine engine, SessionViews views)
    {
        var (record, problem) = FindSession(context, id, store);
        if (record is null)
        {
            return problem!;
        }

        var (body, bodyProblem) = await JsonObjectBody.ReadAsync(context.Request, ExtendFields, context.RequestAborted).ConfigureAwait(false);
        if (body is null)
        {
            return bodyProblem!;
        }

        var byText = body.Text("by", "By");
        if (body.ErrorsByField() is { Count: > 0 } bodyErrors)
        {
            return ApiProblems.Invalid(bodyErrors);
        }

        if (!WalltimeText.TryParse(byText, out var by) || by is null)
        {
            return ApiProblems.Invalid(new Dictionary<string, string> { ["by"] = $"How much more time, e.g. 1h or 30m ({WalltimeText.Hint})." });
        }

        var answer = await commands.SendAsync(ApiCaller.Of(context), new ExtendWalltime(record.Job.Id, by.Value)).ConfigureAwait(false);
        return answer.Succeeded
            ? TypedResults.Ok(views.Of(store.Find(record.Job.Id) ?? record, engine.Feed.Current))
            : CommandProblems.Of(answer, $"Session {record.Job.Id} was not extended");
    }

    private static (JobRecord? Record, IResult? Problem) FindSession(HttpContext context, string id, JobStore store)
    {
        var (record, problem) = JobEndpoints.FindVisible(context, id, store);
        return record is null ? (null, problem)
            : record.Job.IsSession ? (record, null)
            : (null, ApiProblems.NotFound($"Job {record.Job.Id} is a batch job, not a session."));
    }
}
