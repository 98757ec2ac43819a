using System.CommandLine;
using Dashboard.Api.Contracts;

namespace Dashboard.Cli.Commands;

/// <summary>
/// <c>dash submit --sweep ...</c> (like <c>sbatch --array</c>) and <c>dash sweep show|cancel|hold|release|resubmit-failed ID</c>: a sweep
/// is one submit that makes a job per combination of its parameters; its id is its first job's.
/// </summary>
public static class SweepCommand
{
    public static Command Create(DashApp app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var sweep = new Command("sweep", "Show a sweep's progress, cancel, hold or release all of its jobs, or resubmit its failed ones.");
        sweep.Subcommands.Add(Action(app, "show", "Show a sweep's jobs and progress.", null));
        foreach (var action in new[] { "cancel", "hold", "release" })
        {
            sweep.Subcommands.Add(Action(app, action, $"{char.ToUpperInvariant(action[0])}{action[1..]} every job of a sweep.", action));
        }

        sweep.Subcommands.Add(Action(app, SweepRoutes.ResubmitFailedAction, "Submit every failed job of a sweep again, as new jobs.", SweepRoutes.ResubmitFailedAction));

        return sweep;
    }

    internal static Task<int> SubmitAsync(DashApp app, ParseResult parsed, JobSubmitRequest request, string grid, int? maxRunning, CancellationToken cancel) =>
        app.WithClientAsync(parsed, async client =>
        {
            var result = await client.PostAsync<SweepView>(SweepRoutes.Submit(grid, maxRunning), request, cancel).ConfigureAwait(false);
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
                var view = result.Value!;
                var limit = view.MaxRunning is { } max ? $", at most {max} running" : string.Empty;
                await app.Terminal.Out.WriteLineAsync($"Submitted sweep {view.Id}: {view.Size} jobs ({view.Jobs[0]}-{view.Jobs[^1]}){limit}").ConfigureAwait(false);
            }

            return ExitCodes.Ok;
        });

    private static Command Action(DashApp app, string name, string description, string? action)
    {
        var id = new Argument<long>("id") { Description = "The sweep's id (its first job's id)" };
        var command = new Command(name, description) { id };
        command.SetAction((parsed, cancel) => app.WithClientAsync(parsed, async client =>
        {
            var sweepId = parsed.GetValue(id);
            if (action is null)
            {
                var shown = await client.GetAsync<SweepView>(SweepRoutes.Sweep(sweepId), cancel).ConfigureAwait(false);
                if (!shown.Succeeded)
                {
                    return app.Fail(shown);
                }

                if (app.Json(parsed))
                {
                    app.WriteJson(shown.Json);
                }
                else
                {
                    var view = shown.Value!;
                    await app.Terminal.Out.WriteLineAsync($"Sweep {view.Id} {view.Name} ({view.Owner}/{view.Team}): {view.Progress}; jobs {string.Join(" ", view.Jobs)}").ConfigureAwait(false);
                }

                return ExitCodes.Ok;
            }

            var result = await client.PostAsync<SweepActionResult>(SweepRoutes.Action(sweepId, action), null, cancel).ConfigureAwait(false);
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
                await app.Terminal.Out.WriteLineAsync(result.Value!.Message).ConfigureAwait(false);
            }

            return ExitCodes.Ok;
        }));
        return command;
    }
}
