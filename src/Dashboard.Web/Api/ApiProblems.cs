namespace Dashboard.Web.Api;

/// <summary>The API's RFC 7807 answers: one title per kind of problem, and the details a person can act on.</summary>
public static class ApiProblems
{
    /// <summary>A problem without field errors.</summary>
    public static IResult Problem(int status, string title, string detail) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title);

    /// <summary>422 with the messages by field (the request's field names).</summary>
    public static IResult Invalid(IReadOnlyDictionary<string, string> errors, string? detail = null) =>
        TypedResults.Problem(new HttpValidationProblemDetails(errors.ToDictionary(e => e.Key, e => new[] { e.Value }, StringComparer.Ordinal))
        {
            Status = StatusCodes.Status422UnprocessableEntity,
            Title = "The request has invalid fields",
            Detail = detail ?? "Fix the fields listed in errors: " + string.Join(", ", errors.Keys.Order(StringComparer.Ordinal)) + ".",
        });

    /// <summary>400 for query-string values that do not read (by parameter name).</summary>
    public static IResult BadQuery(IReadOnlyDictionary<string, string> errors) =>
        TypedResults.Problem(new HttpValidationProblemDetails(errors.ToDictionary(e => e.Key, e => new[] { e.Value }, StringComparer.Ordinal))
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "The query string has invalid values",
            Detail = string.Join(" ", errors.Values),
        });

    public static IResult NotFound(string detail) => Problem(StatusCodes.Status404NotFound, "Not found", detail);

    public static IResult Forbidden(string detail) => Problem(StatusCodes.Status403Forbidden, "Not allowed", detail);

    public static IResult Conflict(string detail) => Problem(StatusCodes.Status409Conflict, "Not possible in the job's state", detail);

    /// <summary>The engine could not commit (the database failed, or it is shutting down): nothing was changed.</summary>
    public static IResult Unavailable(string detail) => Problem(StatusCodes.Status503ServiceUnavailable, "The engine could not do it now", detail);
}
