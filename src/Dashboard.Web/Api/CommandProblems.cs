using System.Collections.Immutable;
using Dashboard.Engine.Loop;

namespace Dashboard.Web.Api;

/// <summary>
/// The one place where a command's <see cref="CommandOutcome"/> becomes an HTTP answer (RFC 7807 problem details):
/// invalid 422 with errors by field, forbidden 403, never fits 422, not found 404, conflict 409, unavailable 503.
/// </summary>
public static class CommandProblems
{
    /// <summary>
    /// The problem for a command that did not take effect. <paramref name="context"/> ("Job 7 was not cancelled") leads
    /// the detail of a refusal; <paramref name="apiName"/> turns the command's field names into the request's.
    /// </summary>
    public static IResult Of(CommandResult result, string? context = null, Func<string, string>? apiName = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        var reason = result.Reason ?? "no reason given";
        var detail = context is null ? reason : $"{context}: {reason}";
        return result.Outcome switch
        {
            CommandOutcome.Invalid when result.Errors.Count > 0 => ApiProblems.Invalid(ErrorsOf(result, apiName)),
            CommandOutcome.Invalid => ApiProblems.Problem(StatusCodes.Status422UnprocessableEntity, "The request has invalid fields", detail),
            CommandOutcome.Forbidden => ApiProblems.Forbidden(detail),
            CommandOutcome.NeverFits => ApiProblems.Problem(StatusCodes.Status422UnprocessableEntity, "The job can never run", detail),
            CommandOutcome.NotFound => ApiProblems.NotFound(detail),
            CommandOutcome.Conflict => ApiProblems.Conflict(detail),
            CommandOutcome.Unavailable => ApiProblems.Unavailable(reason),
            _ => throw new ArgumentException($"A {result.Outcome} command took effect; it is not a problem.", nameof(result)),
        };
    }

    /// <summary>Field errors of a refused command, joined by field, under the request's names.</summary>
    public static ImmutableDictionary<string, string> ErrorsOf(CommandResult result, Func<string, string>? apiName = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.Errors
            .GroupBy(e => apiName is null ? e.Field : apiName(e.Field), StringComparer.Ordinal)
            .ToImmutableDictionary(g => g.Key, g => string.Join(" ", g.Select(e => e.Message)), StringComparer.Ordinal);
    }
}
