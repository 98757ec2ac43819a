using System.CommandLine;
using Dashboard.Api.Contracts;

namespace Dashboard.Cli.Commands;

/// <summary><c>dash show ID</c>: one job's spec, state, allocation, why it waits or how it ended.</summary>
public static class ShowCommand
{
    public static Argument<long> JobArgument() => new("id") { Description = "The job's id" };

    public static Command Create(DashApp app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var id = JobArgument();
        var show = new Command("show", "Show one job.") { id };
        show.SetAction((parsed, cancel) => app.WithClientAsync(parsed, async client =>
        {
            var result = await client.GetAsync<JobView>(ApiRoutes.Job(parsed.GetValue(id)), cancel).ConfigureAwait(false);
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
                await app.Terminal.Out.WriteAsync(JobText.Details(result.Value!)).ConfigureAwait(false);
            }

            return ExitCodes.Ok;
        }));
        return show;
    }
}
