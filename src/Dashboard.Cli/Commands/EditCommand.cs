using System.CommandLine;
using Dashboard.Api.Contracts;

namespace Dashboard.Cli.Commands;

/// <summary>
/// <c>dash edit ID --gpus 2 --time 30m</c> (like <c>scontrol update</c>): changes a waiting job's fields given, checked as a
/// submit; <c>--what-if</c> says what the edited job would do and saves nothing. <c>dash requeue ID</c> puts a running or
/// ended job back in the queue (like <c>scontrol requeue</c>), keeping its id.
/// </summary>
public static class EditCommand
{
    public static Command Create(DashApp app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var id = ShowCommand.JobArgument();
        var name = new Option<string?>("--name", "-J") { Description = "New job name" };
        var gpus = new Option<int?>("--gpus", "-G") { Description = "Whole GPUs on one node" };
        var cpus = new Option<decimal?>("--cpus", "-c") { Description = "CPU cores (decimals allowed)" };
        var mem = new Option<string?>("--mem") { Description = "Memory: 32G, 512M, 1.5T" };
        var time = new Option<string?>("--time", "-t") { Description = "Walltime: 2h, 90m, 1d 12h, 1:30" };
        var gpuModel = new Option<string?>("--gpu-model") { Description = "Only GPUs of this model" };
        var priority = new Option<int?>("--priority") { Description = "-1000..1000 (within the team's maximum)" };
        var whatIf = new Option<bool>("--what-if") { Description = "Say what the edited job would do now; save nothing" };
        var command = new Argument<string[]>("command") { Description = "A new command line, after --", Arity = ArgumentArity.ZeroOrMore };
        var edit = new Command("edit", "Edit a waiting job: only the options given change (checked as a submit).") { id, name, gpus, cpus, mem, time, gpuModel, priority, whatIf, command };
        edit.SetAction((parsed, cancel) =>
        {
            var body = new Dictionary<string, object>(StringComparer.Ordinal);
            Put(body, "name", parsed.GetValue(name));
            Put(body, "gpus", parsed.GetValue(gpus));
            Put(body, "cpu", parsed.GetValue(cpus));
            Put(body, "walltime", parsed.GetValue(time));
            Put(body, "gpuModel", parsed.GetValue(gpuModel));
            Put(body, "priority", parsed.GetValue(priority));
            if (parsed.GetValue(mem) is { } memText)
            {
                if (!Sizes.TryParseGiB(memText, out var memory))
                {
                    return Task.FromResult(app.Usage($"--mem '{memText}' is not a size: write e.g. 32G, 512M or 1.5T"));
                }

                body["memory"] = memory;
            }

            if (parsed.GetValue(command) is { Length: > 0 } words)
            {
                body["command"] = ShellWords.Join(words);
            }

            if (body.Count == 0)
            {
                return Task.FromResult(app.Usage("say what to change: --name, --gpus, --cpus, --mem, --time, --gpu-model, --priority or a command after --"));
            }

            var job = parsed.GetValue(id);
            return parsed.GetValue(whatIf) ? PreviewAsync(app, parsed, job, body, cancel) : SaveAsync(app, parsed, job, body, cancel);
        });
        return edit;
    }

    public static Command CreateRequeue(DashApp app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var id = ShowCommand.JobArgument();
        var requeue = new Command("requeue", "Put a running job (stopped first) or an ended job back in the queue, keeping its id.") { id };
        requeue.SetAction((parsed, cancel) => app.WithClientAsync(parsed, async client =>
        {
            var result = await client.PostAsync<JobRequeueResult>(JobEditRoutes.Requeue(parsed.GetValue(id)), null, cancel).ConfigureAwait(false);
            return await WriteAsync(app, parsed, result, r => r.Message).ConfigureAwait(false);
        }));
        return requeue;
    }

    private static Task<int> PreviewAsync(DashApp app, ParseResult parsed, long job, Dictionary<string, object> body, CancellationToken cancel) =>
        app.WithClientAsync(parsed, async client =>
        {
            var result = await client.PostAsync<JobEditPreview>(JobEditRoutes.EditWhatIf(job), body, cancel).ConfigureAwait(false);
            return await WriteAsync(app, parsed, result, p => p.Detail is { } detail ? $"{p.Headline}\n{detail}" : p.Headline).ConfigureAwait(false);
        });

    private static Task<int> SaveAsync(DashApp app, ParseResult parsed, long job, Dictionary<string, object> body, CancellationToken cancel) =>
        app.WithClientAsync(parsed, async client =>
        {
            var result = await client.PostAsync<JobView>(JobEditRoutes.Edit(job), body, cancel).ConfigureAwait(false);
            return await WriteAsync(app, parsed, result, v => $"Job {v.Id} edited: {v.Name}, {JobText.Request(v.Request)}.").ConfigureAwait(false);
        });

    private static async Task<int> WriteAsync<T>(DashApp app, ParseResult parsed, ApiResult<T> result, Func<T, string> text)
    {
        if (!result.Succeeded)
        {
            return app.Fail(result);
        }

        if (app.Json(parsed))
        {
            app.WriteJson(result.Json);
        }
        else
        {
            await app.Terminal.Out.WriteLineAsync(text(result.Value!)).ConfigureAwait(false);
        }

        return ExitCodes.Ok;
    }

    private static void Put(Dictionary<string, object> body, string field, object? value)
    {
        if (value is not null)
        {
            body[field] = value;
        }
    }
}
