using System.CommandLine;
using System.Globalization;
using Dashboard.Api.Contracts;

namespace Dashboard.Cli.Commands;

/// <summary>
/// <c>dash logs [-f] ID</c>: the job's output so far; with <c>-f</c>, new output as it comes until the job ends. The
/// server holds a follow open until the job ends; if it closes one sooner, <c>-f</c> asks again after a wait that
/// doubles while nothing new comes (<see cref="RetryDelay"/>), and stops with exit code 3 once the server cannot be reached.
/// </summary>
public static class LogsCommand
{
    /// <summary>
    /// How long <c>-f</c> waits before asking again when the server closed a follow without the job having ended, after
    /// an ask that brought new output (and after the first that brought none).
    /// </summary>
    public static TimeSpan FirstRetryDelay { get; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between two asks: each further ask that brings no new output doubles the wait, up to this.</summary>
    public static TimeSpan MaxRetryDelay { get; } = TimeSpan.FromSeconds(8);

    /// <summary>The wait before the next ask, after <paramref name="quietAsks"/> asks in a row that brought no new output.</summary>
    public static TimeSpan RetryDelay(int quietAsks)
    {
        var doublings = Math.Clamp(quietAsks - 1, 0, 16);
        var delay = FirstRetryDelay * (1L << doublings);
        return delay < MaxRetryDelay ? delay : MaxRetryDelay;
    }

    public static Command Create(DashApp app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var id = ShowCommand.JobArgument();
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep printing new output until the job ends" };
        var logs = new Command("logs", "Print a job's output (output.log).") { id, follow };
        logs.SetAction((parsed, cancel) => app.WithClientAsync(parsed, async client =>
        {
            var job = parsed.GetValue(id);
            var json = app.Json(parsed);
            long offset = 0;
            var quietAsks = 0;
            var chunks = new List<string>();
            while (true)
            {
                var path = $"{ApiRoutes.Logs(job)}?offset={offset.ToString(CultureInfo.InvariantCulture)}" + (parsed.GetValue(follow) ? "&follow=true" : string.Empty);
                var read = await client.StreamAsync(path, async chunk =>
                {
                    if (json)
                    {
                        chunks.Add(chunk);
                    }
                    else
                    {
                        await app.Terminal.Raw.WriteAsync(chunk).ConfigureAwait(false);
                        await app.Terminal.Raw.FlushAsync(cancel).ConfigureAwait(false);
                    }
                }, cancel).ConfigureAwait(false);
                if (!read.Succeeded)
                {
                    return app.Fail(read);
                }

                var received = long.Parse(read.Json, CultureInfo.InvariantCulture);
                offset = read.Value ?? offset + received;
                quietAsks = received > 0 ? 0 : quietAsks + 1;
                if (!parsed.GetValue(follow))
                {
                    break;
                }

                var state = await client.GetAsync<JobView>(ApiRoutes.Job(job), cancel).ConfigureAwait(false);
                if (!state.Succeeded)
                {
                    return app.Fail(state);
                }

                if (JobText.IsFinal(state.Value!.State))
                {
                    // One more read: whatever the job wrote between the last read and its end.
                    var rest = await client.StreamAsync($"{ApiRoutes.Logs(job)}?offset={offset.ToString(CultureInfo.InvariantCulture)}", async chunk =>
                    {
                        if (json)
                        {
                            chunks.Add(chunk);
                        }
                        else
                        {
                            await app.Terminal.Raw.WriteAsync(chunk).ConfigureAwait(false);
                        }
                    }, cancel).ConfigureAwait(false);
                    if (!rest.Succeeded)
                    {
                        return app.Fail(rest);
                    }

                    offset = rest.Value ?? offset + long.Parse(rest.Json, CultureInfo.InvariantCulture);
                    break;
                }

                await Task.Delay(RetryDelay(quietAsks), app.Time, cancel).ConfigureAwait(false);
            }

            if (json)
            {
                await app.Terminal.Out.WriteLineAsync(System.Text.Json.JsonSerializer.Serialize(new { job, offset, text = string.Concat(chunks) }, ApiClient.Json)).ConfigureAwait(false);
            }

            return ExitCodes.Ok;
        }));
        return logs;
    }
}
