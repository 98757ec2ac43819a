using System.CommandLine;
using Dashboard.Api.Contracts;

namespace Dashboard.Cli.Commands;

/// <summary>
/// <c>dash hold ID</c> and <c>dash release ID</c> (like <c>scontrol hold/release</c>): a held job keeps waiting until
/// released; an admin's hold only an admin releases.
/// </summary>
public static class HoldCommand
{
    public static Command CreateHold(DashApp app) => Create(app, "hold", "Hold a waiting job: it does not start until released.", JobControlRoutes.Hold);

    public static Command CreateRelease(DashApp app) => Create(app, "release", "Release a held job.", JobControlRoutes.Release);

    private static Command Create(DashApp app, string name, string description, Func<long, string> route)
    {
        ArgumentNullException.ThrowIfNull(app);
        var id = ShowCommand.JobArgument();
        var command = new Command(name, description) { id };
        command.SetAction((parsed, cancel) => app.WithClientAsync(parsed, async client =>
        {
            var result = await client.PostAsync<JobControlResult>(route(parsed.GetValue(id)), null, cancel).ConfigureAwait(false);
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
