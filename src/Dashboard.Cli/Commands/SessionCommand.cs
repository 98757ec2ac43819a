using System.CommandLine;
using System.Globalization;
using Dashboard.Api.Contracts;

namespace Dashboard.Cli.Commands;

/// <summary>
/// <c>dash session start TYPE [--gpus N] [--time 2h] [--team T] [-- COMMAND]</c>, <c>dash session ls</c>,
/// <c>dash session stop ID</c>, <c>dash session extend ID --by 1h</c>: interactive sessions, opened in the browser at the URL printed.
/// </summary>
public static class SessionCommand
{
    public static Command Create(DashApp app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var session = new Command("session", "Interactive sessions (Jupyter, web apps) opened through the dashboard.");
        session.Subcommands.Add(Start(app));
        session.Subcommands.Add(List(app));
        session.Subcommands.Add(Stop(app));
        session.Subcommands.Add(Extend(app));
        return session;
    }

    public static string Line(SessionView session, Uri server)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(server);
        var where = session.Job.Allocation is { } a ? $" on {a.Node}" + (a.GpuIndices.Count > 0 ? $" GPUs {string.Join(',', a.GpuIndices)}" : "") : "";
        var url = new Uri(server, session.Url);
        var status = session.Status switch
        {
            "ready" => $"ready: open {url}",
            "starting" => $"starting{where}; open {url} once ready",
            "queued" => "queued" + (session.Job.Pending is { } p ? $" ({p.Reason}{(p.EstimatedStart is { } at ? ", estimated start " + at.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture) : "")})" : ""),
            "simulated" => $"running{where}, a simulated demo node: there is no server to open",
            _ => "ended" + (session.Job.EndReason is { } reason ? $" ({reason})" : ""),
        };
        return $"Session {session.Id} ({session.Type}) {status}";
    }

    private static Command Start(DashApp app)
    {
        var type = new Argument<string>("type") { Description = "The session type: jupyter, web, ... (the dashboard's Sessions settings)" };
        var gpus = new Option<int?>("--gpus", "-G") { Description = "Whole GPUs (default: the type's)" };
        var time = new Option<string?>("--time", "-t") { Description = "Walltime: 2h, 90m (default: the type's)" };
        var team = new Option<string?>("--team") { Description = "One of your teams (default: your first)" };
        var command = new Argument<string[]>("command") { Description = "For types that take one: the server's command, after --", Arity = ArgumentArity.ZeroOrMore };
        var start = new Command("start", "Start a session; prints its id and where to open it.") { type, gpus, time, team, command };
        start.SetAction((parsed, cancel) => app.WithClientAsync(parsed, async client =>
        {
            var teamName = parsed.GetValue(team);
            if (string.IsNullOrWhiteSpace(teamName))
            {
                var me = await client.GetAsync<AccountView>(ApiRoutes.Me, cancel).ConfigureAwait(false);
                if (!me.Succeeded)
                {
                    return app.Fail(me);
                }

                teamName = me.Value!.Teams.Count > 0 ? me.Value.Teams[0] : null;
                if (teamName is null)
                {
                    return app.Usage("you belong to no team; ask an admin, or give --team");
                }
            }

            var words = parsed.GetValue(command) ?? [];
            var request = new SessionStartRequest(parsed.GetValue(type), teamName, parsed.GetValue(gpus), parsed.GetValue(time), words.Length == 0 ? null : ShellWords.Join(words));
            var result = await client.PostAsync<SessionView>(ApiRoutes.Sessions, request, cancel).ConfigureAwait(false);
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
                await app.Terminal.Out.WriteLineAsync(Line(result.Value!, client.Server.Url)).ConfigureAwait(false);
            }

            return ExitCodes.Ok;
        }));
        return start;
    }

    private static Command List(DashApp app)
    {
        var all = new Option<bool>("--all", "-a") { Description = "Ended sessions too" };
        var list = new Command("ls", "Your sessions.") { all };
        list.Aliases.Add("list");
        list.SetAction((parsed, cancel) => app.WithClientAsync(parsed, async client =>
        {
            var result = await client.GetAsync<List<SessionView>>(ApiRoutes.Sessions + (parsed.GetValue(all) ? "?all=true" : ""), cancel).ConfigureAwait(false);
            if (!result.Succeeded)
            {
                return app.Fail(result);
            }

            if (app.Json(parsed))
            {
                app.WriteJson(result.Json);
                return ExitCodes.Ok;
            }

            var rows = result.Value!.Select(s => (IReadOnlyList<string>)
            [
                s.Id.ToString(CultureInfo.InvariantCulture),
                s.Type,
                s.Status,
                s.Job.Request.Gpus.ToString(CultureInfo.InvariantCulture),
                s.EndsAt is { } ends ? ends.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : "-",
                new Uri(client.Server.Url, s.Url).ToString(),
            ]);
            await app.Terminal.Out.WriteAsync(TextTable.Render(["ID", "TYPE", "STATUS", "GPUS", "ENDS (UTC)", "URL"], rows)).ConfigureAwait(false);
            return ExitCodes.Ok;
        }));
        return list;
    }

    private static Command Stop(DashApp app)
    {
        var id = new Argument<long>("id") { Description = "The session's id" };
        var stop = new Command("stop", "Stop a session (its folder is kept).") { id };
        stop.SetAction((parsed, cancel) => app.WithClientAsync(parsed, async client =>
        {
            var result = await client.PostAsync<SessionView>(ApiRoutes.Sessions + "/" + parsed.GetValue(id).ToString(CultureInfo.InvariantCulture) + "/stop", null, cancel).ConfigureAwait(false);
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
                var session = result.Value!;
                await app.Terminal.Out.WriteLineAsync(session.Status == "ended" ? $"Session {session.Id} stopped." : $"Session {session.Id} is stopping.").ConfigureAwait(false);
            }

            return ExitCodes.Ok;
        }));
        return stop;
    }

    private static Command Extend(DashApp app)
    {
        var id = new Argument<long>("id") { Description = "The session's id" };
        var by = new Option<string>("--by", "-b") { Description = "How much more time: 1h, 30m", Required = true };
        var extend = new Command("extend", "Give a running session more time (refused with the reason when it would delay a start promised to someone).") { id, by };
        extend.SetAction((parsed, cancel) => app.WithClientAsync(parsed, async client =>
        {
            var route = ApiRoutes.Sessions + "/" + parsed.GetValue(id).ToString(CultureInfo.InvariantCulture) + "/extend";
            var result = await client.PostAsync<SessionView>(route, new SessionExtendRequest(parsed.GetValue(by)), cancel).ConfigureAwait(false);
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
                var session = result.Value!;
                var ends = session.EndsAt is { } at ? at.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture) : "-";
                await app.Terminal.Out.WriteLineAsync($"Session {session.Id} extended; it now ends at {ends}.").ConfigureAwait(false);
            }

            return ExitCodes.Ok;
        }));
        return extend;
    }
}
