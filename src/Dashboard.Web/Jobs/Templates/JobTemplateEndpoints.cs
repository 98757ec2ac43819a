using Dashboard.Api.Contracts;
using Dashboard.Web.Api;

namespace Dashboard.Web.Jobs.Templates;

/// <summary><c>/api/v1/templates</c>: list the templates the caller sees, save a submit body as one, delete one.</summary>
public static class JobTemplateEndpoints
{
    public static RouteGroupBuilder MapJobTemplateEndpoints(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        var templates = api.MapGroup("/templates").WithTags("Templates");

        templates.MapGet("/", (HttpContext context, ISubmitTemplates store) => TypedResults.Ok(store.VisibleTo(ApiCaller.Of(context))))
            .WithName("ListTemplates")
            .WithSummary("List the submit templates the caller sees")
            .WithDescription("The caller's own templates and the team-wide templates of their teams (admins: every team's), by name.")
            .Produces<IReadOnlyList<JobTemplateView>>();

        templates.MapPost("/", SaveAsync)
            .WithName("SaveTemplate")
            .WithSummary("Save a submit as a named template")
            .WithDescription("The body is a submit's (POST /api/v1/jobs), checked the same way; ?name= names the template (one line, at most "
                + "100 characters) and ?teamWide=true makes it the whole team's (leads of the team and admins only). A name already "
                + "used (the caller's own, or the team's for a team-wide one) is refused with 409.")
            .Accepts<JobSubmitRequest>("application/json")
            .Produces<JobTemplateView>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        templates.MapDelete("/{id:long}", (HttpContext context, long id, ISubmitTemplates store) => Answer(store.Delete(ApiCaller.Of(context), id), created: false))
            .WithName("DeleteTemplate")
            .WithSummary("Delete a template")
            .WithDescription("A personal template by its owner; a team-wide one by its owner, a lead of its team or an admin.")
            .Produces<JobTemplateView>()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

        return api;
    }

    private static async Task<IResult> SaveAsync(HttpContext context, ISubmitTemplates store)
    {
        var user = ApiCaller.Of(context);
        var name = context.Request.Query[JobTemplateRoutes.NameParameter].ToString();
        var teamWideText = context.Request.Query[JobTemplateRoutes.TeamWideParameter].ToString();
        if (teamWideText.Length > 0 && !bool.TryParse(teamWideText, out _))
        {
            return ApiProblems.Invalid(new Dictionary<string, string>(StringComparer.Ordinal) { [JobTemplateRoutes.TeamWideParameter] = $"\"{teamWideText}\" is not true or false" });
        }

        var (spec, problem) = await SubmittedSpec.ReadAsync(context, user.Name).ConfigureAwait(false);
        if (spec is null)
        {
            return problem!;
        }

        return Answer(store.Save(user, name, teamWideText.Length > 0 && bool.Parse(teamWideText), spec), created: true);
    }

    private static IResult Answer(TemplateOutcome outcome, bool created) => outcome switch
    {
        { Template: { } template } when created => TypedResults.Created(JobTemplateRoutes.Template(template.Id), template),
        { Template: { } template } => TypedResults.Ok(template),
        { Refusal: TemplateRefusal.Forbidden } => ApiProblems.Forbidden(outcome.Reason!),
        { Refusal: TemplateRefusal.NotFound } => ApiProblems.NotFound(outcome.Reason!),
        { Refusal: TemplateRefusal.Duplicate } => ApiProblems.Problem(StatusCodes.Status409Conflict, "Name already used", outcome.Reason!),
        _ => ApiProblems.Invalid(new Dictionary<string, string>(StringComparer.Ordinal) { [JobTemplateRoutes.NameParameter] = outcome.Reason! }),
    };
}
