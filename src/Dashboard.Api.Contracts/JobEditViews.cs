using System.Text.Json.Serialization;

namespace Dashboard.Api.Contracts;

/// <summary>
/// What an edit would do, before it is saved (<c>POST /api/v1/jobs/{id}/edit?whatIf=true</c>): outcome is starts,
/// queued or never; headline and detail are the Submit form's what-if sentences.
/// </summary>
public sealed record JobEditPreview(
    [property: JsonPropertyName("outcome")] string Outcome,
    [property: JsonPropertyName("headline")] string Headline,
    [property: JsonPropertyName("detail")] string? Detail);

/// <summary>The answer to a requeue: the job after it, whether it is still stopping, which attempt comes next, and a sentence.</summary>
public sealed record JobRequeueResult(
    [property: JsonPropertyName("job")] JobView Job,
    [property: JsonPropertyName("stopping")] bool Stopping,
    [property: JsonPropertyName("attempt")] int Attempt,
    [property: JsonPropertyName("message")] string Message);

/// <summary>The edit and requeue paths, beside <see cref="ApiRoutes"/>.</summary>
public static class JobEditRoutes
{
    /// <summary>Query parameter of the edit: "true" answers the what-if and saves nothing.</summary>
    public const string WhatIfParameter = "whatIf";

    public static string Edit(long id) => ApiRoutes.Job(id) + "/edit";

    public static string EditWhatIf(long id) => Edit(id) + "?" + WhatIfParameter + "=true";

    public static string Requeue(long id) => ApiRoutes.Job(id) + "/requeue";
}
