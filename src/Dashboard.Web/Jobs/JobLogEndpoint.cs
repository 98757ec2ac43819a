using System.Globalization;
using Dashboard.Api.Contracts;
using Dashboard.Data.Jobs;
using Dashboard.Engine.Execution;
using Dashboard.Scheduling.Model;
using Dashboard.Web.Api;

namespace Dashboard.Web.Jobs;

/// <summary>
/// <c>GET /api/v1/jobs/{id}/logs</c>: the job's output log as text, from byte <c>offset</c> (default 0) on, at most
/// 4 MiB per answer; the <c>X-Log-Offset</c> header says where to continue. With <c>follow=true</c> the answer stays
/// open and streams new output as the job writes it, until the job has ended and everything is sent (or the client
/// goes away); its status and headers are sent at once, and as Server-Sent Events (<c>Accept: text/event-stream</c>,
/// see <see cref="LogFollowFormat"/>) a keep-alive comment goes out every <see cref="ApiOptions.LogKeepAlive"/> while the
/// job is quiet. Jobs on simulated nodes, and jobs that never started, have an empty log.
/// </summary>
public static class JobLogEndpoint
{
    /// <summary>How often a follower looks for new output.</summary>
    public static readonly TimeSpan FollowInterval = TimeSpan.FromMilliseconds(250);

    public static void MapJobLogEndpoint(this RouteGroupBuilder jobs)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        jobs.MapGet("/{id}/logs", ReadAsync)
            .WithName("GetJobLogs")
            .WithSummary("Read or follow a job's output")
            .WithDescription("text/plain (UTF-8 bytes as the job wrote them). offset: the byte to start from (default 0); follow=true keeps "
                + "the answer open and streams new output until the job has ended. The X-Log-Offset header gives the offset to ask for next. "
                + "A follow asked with Accept: text/event-stream is sent as Server-Sent Events: event 'log' (data: the text as a JSON string, "
                + "id: the offset to continue from), a ': keep-alive' comment while the job is quiet, and event 'end' when it has ended. "
                + "Same access rule as reading the job.")
            .Produces<string>(StatusCodes.Status200OK, "text/plain", LogFollowFormat.EventStream)
            .ProducesValidationProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status416RangeNotSatisfiable);
    }

    private static async Task<IResult> ReadAsync(HttpContext context, string id, string? offset, string? follow, JobStore store, JobLogs logs, TimeProvider time, ApiOptions options)
    {
        var (record, problem) = JobEndpoints.FindVisible(context, id, store);
        if (record is null)
        {
            return problem!;
        }

        var problems = new Dictionary<string, string>(StringComparer.Ordinal);
        long start = 0;
        if (!string.IsNullOrWhiteSpace(offset) && (!long.TryParse(offset.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out start) || start < 0))
        {
            problems["offset"] = "offset must be a whole number of bytes, 0 or more.";
        }

        var following = false;
        if (!string.IsNullOrWhiteSpace(follow) && !bool.TryParse(follow.Trim(), out following))
        {
            problems["follow"] = "follow must be true or false.";
        }

        if (problems.Count > 0)
        {
            return ApiProblems.BadQuery(problems);
        }

        var job = record.Job.Id;
        var first = logs.Read(job, start);
        if (first.Exists && start > first.Length)
        {
            return ApiProblems.Problem(
                StatusCodes.Status416RangeNotSatisfiable,
                "The offset is past the end of the log",
                string.Create(CultureInfo.InvariantCulture, $"Job {job}'s log has {first.Length} bytes; ask from an offset up to that."));
        }

        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/plain; charset=utf-8";
        response.Headers.CacheControl = "no-store";
        if (!following)
        {
            response.Headers[ApiRoutes.LogOffsetHeader] = first.NextOffset.ToString(CultureInfo.InvariantCulture);
            await response.Body.WriteAsync(first.Bytes, context.RequestAborted).ConfigureAwait(false);
            return Results.Empty;
        }

        // Following: the next offset is only known as the stream goes, so it is not a header; a client that reconnects
        // counts the bytes it received from its offset (or, with Server-Sent Events, takes the last event's id).
        var format = LogFollowFormat.For(context.Request);
        response.ContentType = format.ContentType;
        var keepAlive = options.LogKeepAlive > TimeSpan.Zero ? options.LogKeepAlive : new ApiOptions().LogKeepAlive;
        await FollowAsync(context, job, first, store, logs, time, format, keepAlive).ConfigureAwait(false);
        return Results.Empty;
    }

    private static async Task FollowAsync(HttpContext context, JobId job, JobLogChunk first, JobStore store, JobLogs logs, TimeProvider time, LogFollowFormat format, TimeSpan keepAlive)
    {
        var cancel = context.RequestAborted;
        var body = context.Response.Body;
        var chunk = first;
        try
        {
            // Status and headers go out now, not with the first output: a quiet job's follower sees its answer started.
            context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpResponseBodyFeature>()?.DisableBuffering();
            await context.Response.StartAsync(cancel).ConfigureAwait(false);
            await body.FlushAsync(cancel).ConfigureAwait(false);
            var lastSent = time.GetTimestamp();
            while (!cancel.IsCancellationRequested)
            {
                if (chunk.Bytes.Length > 0)
                {
                    await format.WriteOutputAsync(body, chunk.Bytes, chunk.NextOffset, cancel).ConfigureAwait(false);
                    await body.FlushAsync(cancel).ConfigureAwait(false);
                    lastSent = time.GetTimestamp();
                }
                else
                {
                    // Nothing new: done once the job has ended (read after the log, so its last output is not missed).
                    var ended = store.Find(job) is not { } now || now.State.IsTerminal();
                    if (ended)
                    {
                        var last = logs.Read(job, chunk.NextOffset);
                        if (last.Bytes.Length == 0)
                        {
                            await format.WriteEndAsync(body, cancel).ConfigureAwait(false);
                            await body.FlushAsync(cancel).ConfigureAwait(false);
                            return;
                        }

                        chunk = last;
                        continue;
                    }

                    if (format.KeepsAlive && time.GetElapsedTime(lastSent) >= keepAlive)
                    {
                        await format.WriteKeepAliveAsync(body, cancel).ConfigureAwait(false);
                        await body.FlushAsync(cancel).ConfigureAwait(false);
                        lastSent = time.GetTimestamp();
                    }

                    await Task.Delay(FollowInterval, time, cancel).ConfigureAwait(false);
                }

                chunk = logs.Read(job, chunk.NextOffset);
            }
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            // The client went away.
        }
        catch (IOException) when (cancel.IsCancellationRequested)
        {
            // The connection closed while writing.
        }
    }
}
