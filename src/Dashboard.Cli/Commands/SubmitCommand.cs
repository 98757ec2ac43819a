using System.CommandLine;
using Dashboard.Api.Contracts;

namespace Dashboard.Cli.Commands;

/// <summary><c>dash submit --gpus 2 --cpus 8 --mem 32G --time 2h --team vision -- python train.py</c>.</summary>
public static class SubmitCommand
{
    public static Command Create(DashApp app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var gpus = new Option<int>("--gpus", "-G") { Description = "Whole GPUs on one node" };
        var cpus = new Option<decimal>("--cpus", "-c") { Description = "CPU cores (decimals allowed)", DefaultValueFactory = _ => 1m };
        var mem = new Option<string>("--mem") { Description = "Memory: 32G, 512M, 1.5T", DefaultValueFactory = _ => "1G" };
        var time = new Option<string?>("--time", "-t") { Description = "Walltime: 2h, 90m, 1d 12h, 1:30 (default: none)" };
        var team = new Option<string>("--team") { Description = "One of your teams (required unless --template names one)" };
        var template = new Option<string?>("--template", "-T") { Description = "Start from this saved template (dash template ls); options given replace its values" };
        var name = new Option<string?>("--name", "-J") { Description = "Job name (default: the script's name)" };
        var gpuModel = new Option<string?>("--gpu-model") { Description = "Only GPUs of this model" };
        var priority = new Option<int>("--priority") { Description = "-1000..1000 (within the team's maximum); higher runs first" };
        var after = new Option<string[]>("--after", "-d") { Description = "Wait for jobs: 42:ok (after it succeeds), 42:any (after it ends), 42:notok (after it fails); repeat or separate with commas" };
        var hold = new Option<bool>("--hold", "-H") { Description = "Submit the job held: it waits until released (dash release ID)" };
        var sweep = new Option<string[]>("--sweep") { Description = "Make a sweep: one job per combination, e.g. --sweep lr=1e-4,3e-4 --sweep seed=1,2 (each job gets LR, SEED and DASH_SWEEP_INDEX)" };
        var maxRunning = new Option<int?>("--max-running") { Description = "With --sweep: at most this many of its jobs run at once" };
        var reservation = new Option<long?>("--reservation") { Description = "Run inside one of your team's reservations (its number, dash reservation ls); the job waits until its window opens" };
        var command = new Argument<string[]>("command") { Description = "The command line, after --", Arity = ArgumentArity.ZeroOrMore };
        var submit = new Command("submit", "Submit a job; prints its id (like sbatch).") { gpus, cpus, mem, time, team, name, gpuModel, priority, after, hold, sweep, maxRunning, reservation, command };
        submit.Options.Add(template);
        submit.SetAction(async (parsed, cancel) =>
        {
            JobSubmitRequest? start = null;
            if (parsed.GetValue(template) is { } templateName)
            {
                var looked = await app.WithClientAsync(parsed, async client =>
                {
                    start = (await TemplateCommand.FindAsync(app, client, templateName, cancel).ConfigureAwait(false))?.Request;
                    return start is null ? ExitCodes.NotFound : ExitCodes.Ok;
                }).ConfigureAwait(false);
                if (looked != ExitCodes.Ok)
                {
                    return looked;
                }
            }

            var words = parsed.GetValue(command) ?? [];
            if (start is null && words.Length == 0)
            {
                return app.Usage("give the command line after -- (or start from a --template)");
            }

            if (start is null && string.IsNullOrWhiteSpace(parsed.GetValue(team)))
            {
                return app.Usage("--team is required (or start from a --template)");
            }

            var memText = parsed.GetValue(mem) ?? "1G";
            if (!Sizes.TryParseGiB(memText, out var memory))
            {
                return app.Usage($"--mem '{memText}' is not a size: write e.g. 32G, 512M or 1.5T");
            }

            var request = start is null
                ? new JobSubmitRequest
                {
                    Name = parsed.GetValue(name) ?? DefaultName(words),
                    Command = ShellWords.Join(words),
                    Team = parsed.GetValue(team) ?? string.Empty,
                    Gpus = parsed.GetValue(gpus),
                    GpuModel = parsed.GetValue(gpuModel),
                    Cpu = parsed.GetValue(cpus),
                    Memory = memory,
                    Walltime = parsed.GetValue(time),
                    Priority = parsed.GetValue(priority),
                    Reservation = parsed.GetValue(reservation),
                }
                : start with
                {
                    // A template's values stay unless an option or a command line is given.
                    Name = parsed.GetValue(name) ?? start.Name,
                    Command = words.Length > 0 ? ShellWords.Join(words) : start.Command,
                    Team = Given(parsed, team) ? parsed.GetValue(team)! : start.Team,
                    Gpus = Given(parsed, gpus) ? parsed.GetValue(gpus) : start.Gpus,
                    GpuModel = Given(parsed, gpuModel) ? parsed.GetValue(gpuModel) : start.GpuModel,
                    Cpu = Given(parsed, cpus) ? parsed.GetValue(cpus) : start.Cpu,
                    Memory = Given(parsed, mem) ? memory : start.Memory,
                    Walltime = Given(parsed, time) ? parsed.GetValue(time) : start.Walltime,
                    Priority = Given(parsed, priority) ? parsed.GetValue(priority) : start.Priority,
                    Reservation = Given(parsed, reservation) ? parsed.GetValue(reservation) : start.Reservation,
                };
            var grid = parsed.GetValue(sweep) ?? [];
            if (grid.Length > 0)
            {
                return await SweepCommand.SubmitAsync(app, parsed, request, string.Join(" x ", grid), parsed.GetValue(maxRunning), cancel).ConfigureAwait(false);
            }

            return await app.WithClientAsync(parsed, async client =>
            {
                var path = JobControlRoutes.Submit(string.Join(",", parsed.GetValue(after) ?? []), parsed.GetValue(hold));
                var result = await client.PostAsync<JobView>(path, request, cancel).ConfigureAwait(false);
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
                    var job = result.Value!;
                    await app.Terminal.Out.WriteLineAsync($"Submitted job {job.Id} ({job.State}{(job.Allocation is { } a ? " on " + a.Node : string.Empty)})").ConfigureAwait(false);
                }

                return ExitCodes.Ok;
            }).ConfigureAwait(false);
        });
        return submit;
    }

    /// <summary>Whether the option was typed (not its default).</summary>
    private static bool Given(ParseResult parsed, Option option) => parsed.GetResult(option) is { Implicit: false };

    /// <summary>The script's file name without extension (<c>python train.py</c> is "train"), else the program's.</summary>
    public static string DefaultName(IReadOnlyList<string> words)
    {
        ArgumentNullException.ThrowIfNull(words);
        var parts = words.Count == 1 ? words[0].Split(' ', StringSplitOptions.RemoveEmptyEntries) : [.. words];
        var script = parts.Skip(1).FirstOrDefault(w => !w.StartsWith('-') && (w.Contains('.', StringComparison.Ordinal) || w.Contains('/', StringComparison.Ordinal)));
        var chosen = Path.GetFileNameWithoutExtension(script ?? parts.FirstOrDefault() ?? "job");
        return string.IsNullOrEmpty(chosen) ? "job" : chosen;
    }
}
