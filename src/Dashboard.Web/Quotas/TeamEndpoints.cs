using System.Collections.Immutable;
using Dashboard.Api.Contracts;
using Dashboard.Engine.Loop;
using Dashboard.Scheduling.Model;
using Dashboard.Web.Admin;
using Dashboard.Web.Api;
using Dashboard.Web.Cluster;
using Dashboard.Web.Identity;
using Dashboard.Web.Quotas;

namespace Dashboard.Web.Quotas;

/// <summary>
/// <c>/api/v1/teams</c>: quotas and use, as the quotas page shows them (members see their own teams; leads and admins
/// every team); <c>PUT /api/v1/teams/{team}/quota</c> for admins, read and checked by the admin quota page's own
/// <see cref="QuotaForm"/> and applied (and audited) by the engine.
/// </summary>
public static class TeamEndpoints
{
    /// <summary>The request's fields: <see cref="QuotaValidation"/>'s names, which the admin page's form uses too, with the API's labels.</summary>
    private static readonly ImmutableArray<(string Field, string Label)> Fields =
    [
        (QuotaValidation.NominalGpus, "Nominal GPUs"),
        (QuotaValidation.NominalCpu, "Nominal CPU"),
        (QuotaValidation.NominalMemory, "Nominal memory"),
        (QuotaValidation.BorrowingLimitGpus, "Borrowing limit GPUs"),
        (QuotaValidation.BorrowingLimitCpu, "Borrowing limit CPU"),
        (QuotaValidation.BorrowingLimitMemory, "Borrowing limit memory"),
        (QuotaValidation.FairShareWeight, "Fair-share weight"),
        (QuotaValidation.MaxPriority, "Maximum priority"),
    ];

    public static RouteGroupBuilder MapTeamEndpoints(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        var teams = api.MapGroup("/teams").WithTags("Teams");
        teams.MapGet("/", (HttpContext context, ClusterEngine engine) => engine.Feed.Current is { } update
                ? Results.Ok(QuotaView.Of(update).For(ApiCaller.Of(context)).Teams.Select(ViewOf).ToList())
                : ClusterEndpoints.Starting())
            .WithName("ListTeams")
            .WithSummary("Teams, quotas and use")
            .WithDescription("Per team: nominal quota, borrowing limit, use, borrowed (use above nominal: preemptible) and lent (idle nominal "
                + "others borrow); CPU in cores, memory in GiB. Members see their own teams; team leads and admins every team.")
            .Produces<IReadOnlyList<TeamQuotaView>>()
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        teams.MapPut("/{team}/quota", SetQuotaAsync)
            .RequireAuthorization(Permissions.AdminPolicy)
            .WithName("SetTeamQuota")
            .WithSummary("Set a team's quota (admins)")
            .WithDescription("The whole quota, with the admin quota page's rules: no negative amounts, a weight above 0, a maximum priority "
                + "from -1000 to 1000, and no changed amount above the cluster's capacity. A team without a quota is created. Lowering a "
                + "quota never stops a running job. Recorded in the audit log with the admin as actor.")
            .Accepts<TeamQuotaUpdate>("application/json")
            .Produces<TeamQuotaView>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);
        return api;
    }

    public static TeamQuotaView ViewOf(TeamQuotaRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return new TeamQuotaView(
            row.Team,
            Resources(row.Gpus.Nominal, row.Cpu.Nominal, row.Memory.Nominal),
            Resources(row.Gpus.BorrowingLimit, row.Cpu.BorrowingLimit, row.Memory.BorrowingLimit),
            Resources(row.Gpus.Used, row.Cpu.Used, row.Memory.Used),
            Resources(row.Gpus.Borrowed, row.Cpu.Borrowed, row.Memory.Borrowed),
            Resources(row.Gpus.Lent, row.Cpu.Lent, row.Memory.Lent),
            row.Quota.FairShareWeight,
            row.Quota.MaxPriority);
    }

    private static ResourcesView Resources(long gpus, long millicores, long mib) => new((int)gpus, ApiUnits.Cores(millicores), ApiUnits.GiB(mib));

    private static async Task<IResult> SetQuotaAsync(HttpContext context, string team, ClusterEngine engine, IClusterAdminCommands commands)
    {
        var user = ApiCaller.Of(context);
        var (body, problem) = await JsonObjectBody.ReadAsync(context.Request, [.. Fields.Select(f => f.Field)], context.RequestAborted).ConfigureAwait(false);
        if (body is null)
        {
            return problem!;
        }

        if (engine.Feed.Current is not { } update)
        {
            return ClusterEndpoints.Starting();
        }

        var existing = update.Snapshot.Quotas.FirstOrDefault(q => string.Equals(q.Team, team, StringComparison.Ordinal));
        var form = existing is null ? QuotaForm.ForNewTeam() : QuotaForm.For(existing);
        form.TeamName = team;
        foreach (var (field, label) in Fields)
        {
            body.Require(field, label);
            form[field] = body.NumberText(field, label);
        }

        var reading = form.Read(update.Summary, update.Snapshot.Quotas.Select(q => q.Team));
        var errors = body.ErrorsByField().ToDictionary(StringComparer.Ordinal);
        foreach (var (field, message) in reading.Errors)
        {
            errors.TryAdd(field, message);
        }

        if (errors.Count > 0 || reading.Quota is not { } quota)
        {
            return ApiProblems.Invalid(errors);
        }

        var answer = await commands.SetQuotaAsync(quota, user).ConfigureAwait(false);
        if (!answer.Succeeded)
        {
            return CommandProblems.Of(answer, $"The quota of team {quota.Team} was refused");
        }

        var after = engine.Feed.Current is { } now ? QuotaView.Of(now).Teams.FirstOrDefault(t => t.Team == quota.Team) : null;
        return after is null
            ? TypedResults.Ok(ViewOf(QuotaView.From(update.Snapshot with { Quotas = [.. update.Snapshot.Quotas.Where(q => q.Team != quota.Team), quota] }, update.At).Teams.First(t => t.Team == quota.Team)))
            : TypedResults.Ok(ViewOf(after));
    }
}
