using System.CommandLine;
using Dashboard.Api.Contracts;

namespace Dashboard.Cli.Commands;

/// <summary><c>dash cancel ID</c> (like scancel): a pending job ends at once, a running one is stopped (SIGTERM first).</summary>
public static class CancelCommand
{
    public static Command Create(DashApp app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var id = ShowCommand.JobArgument();
        var cancelCommand = new Command("cancel", "Cancel a job.") { id };
        cancelCommand.SetAction((parsed, cancel) => app.WithClientAsync(parsed, async client =>
        {
            var result = await client.PostAsync<JobCancelResult>(ApiRoutes.Cancel(parsed.GetValue(id)), null, cancel).ConfigureAwait(false);
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
                var answer = result.Value!;
                var message = answer.Message.Contains($"Job {answer.Job.Id}", StringComparison.Ordinal) ? answer.Message : $"Job {answer.Job.Id}: {answer.Message}";
                await app.Terminal.Out.WriteLineAsync(message).ConfigureAwait(false);
            }

            return ExitCodes.Ok;
        }));
        return cancelCommand;
    }
}
