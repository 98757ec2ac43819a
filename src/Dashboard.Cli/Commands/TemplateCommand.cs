using System.CommandLine;
using System.Globalization;
using Dashboard.Api.Contracts;

namespace Dashboard.Cli.Commands;

/// <summary>
/// <c>dash template ls</c>, <c>dash template save NAME --from-job ID [--team-wide]</c>, <c>dash template rm ID</c>; a
/// template starts a submit with <c>dash submit --template NAME</c>.
/// </summary>
public static class TemplateCommand
{
    private static readonly string[] Header = ["ID", "NAME", "TEAM", "SCOPE", "OWNER", "REQUEST"];

    public static Command Create(DashApp app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var template = new Command("template", "Submit templates: list, save one from a job, remove one.");

        var ls = new Command("ls", "List the templates you can use (yours and your teams').");
        ls.SetAction((parsed, cancel) => app.WithClientAsync(parsed, async client =>
        {
            var result = await client.GetAsync<List<JobTemplateView>>(JobTemplateRoutes.Templates, cancel).ConfigureAwait(false);
            return await WriteAsync(app, parsed, result, list => TextTable.Render(Header, list.Select(Row)).TrimEnd()).ConfigureAwait(false);
        }));

        var name = new Argument<string>("name") { Description = "The template's name" };
        var fromJob = new Option<long>("--from-job") { Description = "Save this job's submit (name, command, team, resources, walltime, priority)", Required = true };
        var teamWide = new Option<bool>("--team-wide") { Description = "For the whole team (team leads and admins)" };
        var save = new Command("save", "Save a job's submit as a template.") { name, fromJob, teamWide };
        save.SetAction((parsed, cancel) => app.WithClientAsync(parsed, async client =>
        {
            var job = await client.GetAsync<JobView>(ApiRoutes.Job(parsed.GetValue(fromJob)), cancel).ConfigureAwait(false);
            if (!job.Succeeded)
            {
                return app.Fail(job);
            }

            var result = await client.PostAsync<JobTemplateView>(JobTemplateRoutes.Save(parsed.GetValue(name) ?? string.Empty, parsed.GetValue(teamWide)), RequestOf(job.Value!), cancel).ConfigureAwait(false);
            return await WriteAsync(app, parsed, result, t => $"Saved template {t.Id} \"{t.Name}\" ({Scope(t)}).").ConfigureAwait(false);
        }));

        var id = new Argument<long>("id") { Description = "The template's id (dash template ls)" };
        var rm = new Command("rm", "Remove a template.") { id };
        rm.SetAction((parsed, cancel) => app.WithClientAsync(parsed, async client =>
        {
            var result = await client.DeleteAsync<JobTemplateView>(JobTemplateRoutes.Template(parsed.GetValue(id)), cancel).ConfigureAwait(false);
            return await WriteAsync(app, parsed, result, t => $"Removed template {t.Id} \"{t.Name}\".").ConfigureAwait(false);
        }));

        template.Subcommands.Add(ls);
        template.Subcommands.Add(save);
        template.Subcommands.Add(rm);
        return template;
    }

    /// <summary>The template named <paramref name="name"/>: the caller's own first, then a team-wide one; null after saying why.</summary>
    public static async Task<JobTemplateView?> FindAsync(DashApp app, ApiClient client, string name, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(client);
        var result = await client.GetAsync<List<JobTemplateView>>(JobTemplateRoutes.Templates, cancel).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            app.Fail(result);
            return null;
        }

        var found = result.Value!.Where(t => t.Name == name).OrderBy(t => t.TeamWide).FirstOrDefault();
        if (found is null)
        {
            await app.Terminal.Error.WriteLineAsync($"dash: there is no template named \"{name}\" that you can use; see dash template ls").ConfigureAwait(false);
        }

        return found;
    }

    /// <summary>The submit body of a job as shown by the API.</summary>
    public static JobSubmitRequest RequestOf(JobView job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return new JobSubmitRequest
        {
            Name = job.Name,
            Command = job.Command,
            Team = job.Team,
            Gpus = job.Request.Gpus,
            GpuModel = job.Request.GpuModel,
            Cpu = job.Request.Cpu,
            CpuLimit = job.Request.CpuLimit,
            Memory = job.Request.Memory,
            MemoryLimit = job.Request.MemoryLimit,
            Walltime = job.Request.Walltime,
            Priority = job.Request.Priority,
        };
    }

    private static IReadOnlyList<string> Row(JobTemplateView t) =>
    [
        t.Id.ToString(CultureInfo.InvariantCulture), t.Name, t.Team, Scope(t), t.Owner,
        $"{t.Request.Gpus} GPU, {t.Request.Cpu.ToString("0.##", CultureInfo.InvariantCulture)} CPU, {Sizes.Format(t.Request.Memory)}, {t.Request.Walltime ?? "no walltime"}",
    ];

    private static string Scope(JobTemplateView t) => t.TeamWide ? "team" : "personal";

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
}
