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

/// <summary>
/// A sweep (<c>/api/v1/sweeps/{id}</c>; its id is its first job's): its jobs by index, the limit on how many run at once,
/// and how they have ended so far ("3/6 done, 1 failed").
/// </summary>
public sealed record SweepView(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("owner")] string Owner,
    [property: JsonPropertyName("team")] string Team,
    [property: JsonPropertyName("size")] int Size,
    [property: JsonPropertyName("maxRunning")] int? MaxRunning,
    [property: JsonPropertyName("jobs")] IReadOnlyList<long> Jobs,
    [property: JsonPropertyName("succeeded")] int Succeeded,
    [property: JsonPropertyName("failed")] int Failed,
    [property: JsonPropertyName("cancelled")] int Cancelled,
    [property: JsonPropertyName("progress")] string Progress);

/// <summary>The answer to a sweep-wide cancel, hold or release: the sweep after it and a sentence for people.</summary>
public sealed record SweepActionResult(
    [property: JsonPropertyName("sweep")] SweepView Sweep,
    [property: JsonPropertyName("message")] string Message);

/// <summary>The sweep paths.</summary>
public static class SweepRoutes
{
    public const string Sweeps = ApiRoutes.Prefix + "/sweeps";

    /// <summary>Query parameter of <c>POST /api/v1/sweeps</c>: the grid, "lr=[1e-4,3e-4] x seed=[1,2]".</summary>
    public const string GridParameter = "grid";

    /// <summary>Query parameter of <c>POST /api/v1/sweeps</c>: at most this many of its jobs run at once.</summary>
    public const string MaxRunningParameter = "maxRunning";

    /// <summary>The action of <c>POST /api/v1/sweeps/{id}/resubmit-failed</c>.</summary>
    public const string ResubmitFailedAction = "resubmit-failed";

    public static string Sweep(long id) => Sweeps + "/" + id.ToString(CultureInfo.InvariantCulture);

    public static string Action(long id, string action) => Sweep(id) + "/" + action;

    public static string Submit(string grid, int? maxRunning) =>
        Sweeps + "?" + GridParameter + "=" + Uri.EscapeDataString(grid)
        + (maxRunning is { } max ? "&" + MaxRunningParameter + "=" + max.ToString(CultureInfo.InvariantCulture) : string.Empty);
}
