using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR.Client;

namespace Dashboard.Cli.Commands;

/// <summary>
/// <c>dash watch</c>: live job changes (the ones you may see) and the cluster's totals as they change, from the
/// dashboard's SignalR hub, until Ctrl+C, <c>--count</c> job changes, or the end of the job given with <c>--job</c>.
/// </summary>
public static class WatchCommand
{
    /// <summary>The hub's path on the server (the web host's ClusterHub.Path).</summary>
    public const string HubPath = "hubs/cluster";

    public static Command Create(DashApp app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var count = new Option<int?>("--count") { Description = "Stop after this many job changes" };
        var job = new Option<long?>("--job") { Description = "Only this job's changes; stop when it ends" };
        var watch = new Command("watch", "Watch jobs and the cluster live.") { count, job };
        watch.SetAction((parsed, cancel) =>
        {
            if (app.Server(parsed) is not { } server)
            {
                return Task.FromResult(ExitCodes.Usage);
            }

            return RunAsync(app, server, app.Json(parsed), parsed.GetValue(count), parsed.GetValue(job), cancel);
        });
        return watch;
    }

    private static async Task<int> RunAsync(DashApp app, ServerAddress server, bool json, int? count, long? onlyJob, CancellationToken cancel)
    {
        var messages = Channel.CreateUnbounded<(string Kind, JsonElement Body)>();
        await using var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(server.Url, HubPath), options =>
            {
                options.AccessTokenProvider = () => Task.FromResult(server.Token);
                if (app.Handler is { } handler)
                {
                    options.HttpMessageHandlerFactory = _ => handler;
                }
            })
            .Build();
        connection.On<JsonElement>("Summary", body => messages.Writer.TryWrite(("summary", body)));
        connection.On<JsonElement>("JobChanged", body => messages.Writer.TryWrite(("job", body)));
        connection.On<JsonElement>("NodeChanged", body => messages.Writer.TryWrite(("node", body)));
        connection.Closed += error =>
        {
            messages.Writer.TryComplete(error ?? new IOException("the server closed the connection"));
            return Task.CompletedTask;
        };

        try
        {
            await connection.StartAsync(cancel).ConfigureAwait(false);
        }
        catch (HttpRequestException error) when (error.StatusCode is System.Net.HttpStatusCode.Unauthorized)
        {
            await app.Terminal.Error.WriteLineAsync(string.IsNullOrEmpty(server.Token)
                ? "dash: not signed in: give a token with --token or DASH_TOKEN"
                : "dash: not signed in: the server refused the token").ConfigureAwait(false);
            return ExitCodes.Unauthorized;
        }
        catch (HttpRequestException error) when (error.StatusCode is System.Net.HttpStatusCode.Forbidden)
        {
            await app.Terminal.Error.WriteLineAsync("dash: not allowed to watch this server").ConfigureAwait(false);
            return ExitCodes.Forbidden;
        }
        catch (Exception error) when (error is HttpRequestException or IOException or System.Net.WebSockets.WebSocketException && !cancel.IsCancellationRequested)
        {
            await app.Terminal.Error.WriteLineAsync($"dash: cannot reach the server at {server.Url}: {error.GetBaseException().Message} (set --server or DASH_SERVER)").ConfigureAwait(false);
            return ExitCodes.Unreachable;
        }

        await app.Terminal.Error.WriteLineAsync($"Watching {server.Url} (Ctrl+C to stop)").ConfigureAwait(false);

        var seen = 0;
        string? lastSummary = null;
        try
        {
            await foreach (var (kind, body) in messages.Reader.ReadAllAsync(cancel).ConfigureAwait(false))
            {
                if (kind == "job" && onlyJob is { } wanted && body.GetProperty("job").GetInt64() != wanted)
                {
                    continue;
                }

                if (kind == "summary")
                {
                    var line = SummaryLine(body);
                    if (line == lastSummary)
                    {
                        continue;
                    }

                    lastSummary = line;
                }

                await app.Terminal.Out.WriteLineAsync(json ? JsonLine(kind, body) : Line(kind, body, app.Time)).ConfigureAwait(false);
                await app.Terminal.Out.FlushAsync(cancel).ConfigureAwait(false);
                if (kind != "job")
                {
                    continue;
                }

                seen++;
                if ((count is { } most && seen >= most) || (onlyJob is not null && JobText.IsFinal(body.GetProperty("to").GetString() ?? string.Empty)))
                {
                    return ExitCodes.Ok;
                }
            }
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            return ExitCodes.Ok;
        }
        catch (Exception error) when (error is IOException or System.Net.WebSockets.WebSocketException or HttpRequestException)
        {
            await app.Terminal.Error.WriteLineAsync("dash: the connection to the server was lost: " + error.Message).ConfigureAwait(false);
            return ExitCodes.Unreachable;
        }

        return ExitCodes.Ok;
    }

    private static string JsonLine(string kind, JsonElement body) =>
        JsonSerializer.Serialize(new Dictionary<string, object> { ["type"] = kind, ["data"] = body });

    /// <summary>A change as one line: job and node changes at the server's time of the change; the totals, which carry no time, at this clock's.</summary>
    private static string Line(string kind, JsonElement body, TimeProvider time) => kind switch
    {
        "job" => JobLine(body),
        "node" => string.Create(CultureInfo.InvariantCulture, $"{Clock(body)}  node {Text(body, "node")} {Text(body, "state")}{Suffix(body, "reason")}"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{time.GetUtcNow().UtcDateTime:HH:mm:ss}  {SummaryLine(body)}"),
    };

    private static string JobLine(JsonElement body)
    {
        var where = Text(body, "node") is { Length: > 0 } node
            ? $" on {node}" + (body.TryGetProperty("gpuIndices", out var gpus) && gpus.ValueKind == JsonValueKind.Array && gpus.GetArrayLength() > 0 ? $" GPUs {string.Join(',', gpus.EnumerateArray().Select(g => g.GetInt32()))}" : string.Empty)
            : string.Empty;
        var from = Text(body, "from");
        var to = Text(body, "to");
        var change = from == to ? to : $"{from} -> {to}";
        return string.Create(CultureInfo.InvariantCulture, $"{Clock(body)}  job {body.GetProperty("job").GetInt64()} {Text(body, "owner")}/{Text(body, "team")} {change}{where}{Suffix(body, "reason")}");
    }

    private static string SummaryLine(JsonElement body) => string.Create(
        CultureInfo.InvariantCulture,
        $"cluster: GPUs {Number(body, "gpusUsed")}/{Number(body, "gpusTotal")} in use, {Number(body, "runningJobs")} running, {Number(body, "pendingJobs")} pending");

    private static string Clock(JsonElement body) =>
        body.TryGetProperty("at", out var at) && at.TryGetDateTimeOffset(out var time) ? time.UtcDateTime.ToString("HH:mm:ss", CultureInfo.InvariantCulture) : "--:--:--";

    private static string Text(JsonElement body, string name) =>
        body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : string.Empty;

    private static string Suffix(JsonElement body, string name) => Text(body, name) is { Length: > 0 } text ? $" ({text})" : string.Empty;

    private static long Number(JsonElement body, string name) =>
        body.TryGetProperty(name, out var value) && value.TryGetInt64(out var number) ? number : 0;
}
