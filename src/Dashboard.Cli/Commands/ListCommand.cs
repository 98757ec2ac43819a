using System.CommandLine;
using System.Globalization;
using Dashboard.Api.Contracts;

namespace Dashboard.Cli.Commands;

/// <summary><c>dash ls [--all | --team T] [--state S]</c>: your jobs by default, newest first (like squeue).</summary>
public static class ListCommand
{
    public static Command Create(DashApp app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var all = new Option<bool>("--all", "-a") { Description = "Every job you may see, not only yours" };
        var team = new Option<string?>("--team") { Description = "Jobs of this team (that you may see)" };
        var owner = new Option<string?>("--owner", "-u") { Description = "Jobs of this user (that you may see)" };
        var state = new Option<string?>("--state", "-s") { Description = "Pending, Running, Succeeded, Failed, Cancelled, TimedOut" };
        var text = new Option<string?>("--text") { Description = "Name, command or id contains this" };
        var page = new Option<int>("--page") { Description = "Page (from 1)", DefaultValueFactory = _ => 1 };
        var limit = new Option<int>("--limit", "-n") { Description = "Jobs per page", DefaultValueFactory = _ => 50 };
        var list = new Command("ls", "List jobs.") { all, team, owner, state, text, page, limit };
        list.Aliases.Add("list");
        list.SetAction((parsed, cancel) => app.WithClientAsync(parsed, async client =>
        {
            var mine = !parsed.GetValue(all) && parsed.GetValue(team) is null && parsed.GetValue(owner) is null;
            var query = new List<string> { "mine=" + (mine ? "true" : "false") };
            Add(query, "team", parsed.GetValue(team));
            Add(query, "owner", parsed.GetValue(owner));
            Add(query, "state", parsed.GetValue(state));
            Add(query, "text", parsed.GetValue(text));
            Add(query, "page", parsed.GetValue(page).ToString(CultureInfo.InvariantCulture));
            Add(query, "pageSize", parsed.GetValue(limit).ToString(CultureInfo.InvariantCulture));
            var result = await client.GetAsync<JobPage>(ApiRoutes.Jobs + "?" + string.Join('&', query), cancel).ConfigureAwait(false);
            if (!result.Succeeded)
            {
                return app.Fail(result);
            }

            if (app.Json(parsed))
            {
                app.WriteJson(result.Json);
                return ExitCodes.Ok;
            }

            var jobs = result.Value!;
            await app.Terminal.Out.WriteAsync(TextTable.Render(JobText.ListHeader, jobs.Items.Select(JobText.Row))).ConfigureAwait(false);
            if (jobs.Total > jobs.Items.Count)
            {
                await app.Terminal.Error.WriteLineAsync($"({jobs.Items.Count} of {jobs.Total}{(jobs.TotalIsLowerBound ? "+" : "")}: page {jobs.Page}; more with --page {jobs.Page + 1})").ConfigureAwait(false);
            }

            return ExitCodes.Ok;
        }));
        return list;
    }

    private static void Add(List<string> query, string key, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            query.Add(key + "=" + Uri.EscapeDataString(value));
        }
    }
}
