using System.Globalization;
using System.Text.Json.Serialization;

namespace Dashboard.Api.Contracts;

/// <summary>
/// A job's control facts (<c>GET /api/v1/jobs/{id}/control</c>): whether it is held, by whom and with whose authority
/// (Owner, Lead, Admin: a hold is released only with at least its authority), what it waits for ("41:ok"), its sweep
/// place, and while it waits, why.
/// </summary>
public sealed record JobControlView(
    [property: JsonPropertyName("job")] long Job,
    [property: JsonPropertyName("held")] bool Held,
    [property: JsonPropertyName("heldBy")] string? HeldBy,
    [property: JsonPropertyName("holdAuthority")] string? HoldAuthority,
    [property: JsonPropertyName("after")] IReadOnlyList<string> After,
    [property: JsonPropertyName("sweep")] long? Sweep,
    [property: JsonPropertyName("sweepIndex")] int? SweepIndex,
    [property: JsonPropertyName("waiting")] string? Waiting);

/// <summary>The answer to hold or release: the job's control facts after it, and a sentence for people.</summary>
public sealed record JobControlResult(
    [property: JsonPropertyName("control")] JobControlView Control,
    [property: JsonPropertyName("message")] string Message);

/// <summary>The job-control paths, beside <see cref="ApiRoutes"/>.</summary>
public static class JobControlRoutes
{
    /// <summary>Query parameter of <c>POST /api/v1/jobs</c>: the jobs to wait for, "41:ok,42:any,43:notok".</summary>
    public const string AfterParameter = "after";

    /// <summary>Query parameter of <c>POST /api/v1/jobs</c>: "true" to submit the job held.</summary>
    public const string HoldParameter = "hold";

    public static string Control(long id) => ApiRoutes.Job(id) + "/control";

    public static string Hold(long id) => ApiRoutes.Job(id) + "/hold";

    public static string Release(long id) => ApiRoutes.Job(id) + "/release";

    /// <summary>The submit path with the job-control query parameters (none when both are empty).</summary>
    public static string Submit(string? after, bool hold)
    {
        var query = new List<string>();
        if (!string.IsNullOrWhiteSpace(after))
        {
            query.Add(AfterParameter + "=" + Uri.EscapeDataString(after));
        }

        if (hold)
        {
            query.Add(HoldParameter + "=true");
        }

        return query.Count == 0 ? ApiRoutes.Jobs : ApiRoutes.Jobs + "?" + string.Join("&", query.Select(q => q.ToString(CultureInfo.InvariantCulture)));
    }
}
