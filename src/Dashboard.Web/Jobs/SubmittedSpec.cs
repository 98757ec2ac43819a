using Dashboard.Scheduling.Model;
using Dashboard.Web.Api;

namespace Dashboard.Web.Jobs;

/// <summary>
/// The job a POST's JSON body asks for (the submit of a job, a job that waits for others, or a sweep's template), read
/// for <paramref name="owner"/>: the spec, or the problem to answer with (an unreadable body, or every field's error).
/// </summary>
public static class SubmittedSpec
{
    public static async Task<(JobSpec? Spec, IResult? Problem)> ReadAsync(HttpContext context, string owner)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (body, problem) = await JsonObjectBody.ReadAsync(context.Request, JobSubmitReading.Fields, context.RequestAborted).ConfigureAwait(false);
        if (body is null)
        {
            return (null, problem!);
        }

        var reading = JobSubmitReading.Read(body, owner);
        if (reading.Spec is { } spec)
        {
            return (spec, null);
        }

        var errors = reading.FieldErrors.ToDictionary(StringComparer.Ordinal);
        foreach (var message in reading.FormErrors)
        {
            errors.TryAdd("request", message);
        }

        return (null, ApiProblems.Invalid(errors));
    }
}
