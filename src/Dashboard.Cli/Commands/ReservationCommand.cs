using System.CommandLine;
using System.Globalization;
using Dashboard.Api.Contracts;

namespace Dashboard.Cli.Commands;

/// <summary>
/// <c>dash reservation ls</c>, <c>dash reservation book --team vision --gpus 8 --gpu-model H100 --start 2026-12-08T09:00
/// --end 2026-12-08T17:00 --name demo --reason "live demo"</c>, <c>dash reservation edit ID --end 2026-12-08T18:00</c>,
/// <c>dash reservation cancel ID</c>: a team's advance
/// reservations (docs/reservations.md).
/// </summary>
public static class ReservationCommand
{
    private const string Route = "api/v1/reservations";

    public static Command Create(DashApp app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return new Command("reservation", "Book, list, change and cancel advance reservations of GPUs for a team.") { List(app), Book(app), Edit(app), Cancel(app) };
    }

    private static Command List(DashApp app)
    {
        var list = new Command("ls", "List the reservations that have not ended (and every recurring one).");
        list.SetAction((parsed, cancel) => app.WithClientAsync(parsed, async client =>
        {
            var result = await client.GetAsync<List<ReservationView>>(Route, cancel).ConfigureAwait(false);
            if (!result.Succeeded)
            {
                return app.Fail(result);
            }

            if (app.Json(parsed))
            {
                app.WriteJson(result.Json);
                return ExitCodes.Ok;
            }

            await app.Terminal.Out.WriteAsync(TextTable.Render(
                ["ID", "NAME", "TEAM", "GPUS", "START (UTC)", "END (UTC)", "REPEATS", "STATE"],
                result.Value!.Select(r => (IReadOnlyList<string>)
                [
                    r.Id.ToString(CultureInfo.InvariantCulture),
                    r.Name,
                    r.Team,
                    string.Create(CultureInfo.InvariantCulture, $"{r.Gpus} x {r.GpuModel}"),
                    Time(r.Start),
                    Time(r.End),
                    r.Recurrence ?? "-",
                    r.State,
                ]))).ConfigureAwait(false);
            return ExitCodes.Ok;
        }));
        return list;
    }

    private static Command Book(DashApp app)
    {
        var team = new Option<string>("--team") { Description = "The team the GPUs are for (you lead it)", Required = true };
        var gpus = new Option<int>("--gpus", "-G") { Description = "How many GPUs", Required = true };
        var gpuModel = new Option<string>("--gpu-model") { Description = "Which GPU model", Required = true };
        var start = new Option<string>("--start") { Description = "When it starts, ISO 8601 (UTC unless an offset is given): 2026-12-08T09:00", Required = true };
        var end = new Option<string>("--end") { Description = "When it ends, ISO 8601", Required = true };
        var name = new Option<string>("--name", "-J") { Description = "A name for it", Required = true };
        var reason = new Option<string>("--reason") { Description = "Why the team needs it", Required = true };
        var cpus = new Option<decimal>("--cpus", "-c") { Description = "CPU cores to hold beside the GPUs", DefaultValueFactory = _ => 1m };
        var mem = new Option<string>("--mem") { Description = "Memory to hold: 32G, 512M", DefaultValueFactory = _ => "1G" };
        var recurrence = new Option<string?>("--repeat") { Description = "Repeat the window at each time of a five-field cron rule in UTC, e.g. '0 9 * * 1-5'" };
        var book = new Command("book", "Book GPUs of one model for a team from --start to --end.") { team, gpus, gpuModel, start, end, name, reason, cpus, mem, recurrence };
        book.SetAction((parsed, cancel) =>
        {
            var memText = parsed.GetValue(mem) ?? "1G";
            if (!Sizes.TryParseGiB(memText, out var memory))
            {
                return Task.FromResult(app.Usage($"--mem '{memText}' is not a size: write e.g. 32G, 512M or 1.5T"));
            }

            var request = new ReservationBookRequest(
                parsed.GetValue(name) ?? string.Empty,
                parsed.GetValue(reason) ?? string.Empty,
                parsed.GetValue(team) ?? string.Empty,
                parsed.GetValue(gpuModel) ?? string.Empty,
                parsed.GetValue(gpus),
                parsed.GetValue(cpus),
                memory,
                parsed.GetValue(start) ?? string.Empty,
                parsed.GetValue(end) ?? string.Empty,
                parsed.GetValue(recurrence));
            return app.WithClientAsync(parsed, client => AnswerAsync(app, parsed, client.PostAsync<ReservationActionResult>(Route, request, cancel)));
        });
        return book;
    }

    private static Command Edit(DashApp app)
    {
        var id = new Argument<long>("id") { Description = "The reservation's number (dash reservation ls)" };
        var gpus = new Option<int?>("--gpus", "-G") { Description = "How many GPUs" };
        var start = new Option<string?>("--start") { Description = "When it starts, ISO 8601 (UTC unless an offset is given)" };
        var end = new Option<string?>("--end") { Description = "When it ends, ISO 8601" };
        var name = new Option<string?>("--name", "-J") { Description = "A new name" };
        var reason = new Option<string?>("--reason") { Description = "A new reason" };
        var command = new Command("edit", "Change a reservation's window, GPUs, name or reason (what you leave out stays); checked like a booking.") { id, gpus, start, end, name, reason };
        command.SetAction((parsed, cancel) =>
        {
            var request = new ReservationEditRequest(parsed.GetValue(name), parsed.GetValue(reason), parsed.GetValue(gpus), parsed.GetValue(start), parsed.GetValue(end));
            if (request == new ReservationEditRequest())
            {
                return Task.FromResult(app.Usage("say what to change: --gpus, --start, --end, --name or --reason"));
            }

            return app.WithClientAsync(parsed, client =>
                AnswerAsync(app, parsed, client.PostAsync<ReservationActionResult>(string.Create(CultureInfo.InvariantCulture, $"{Route}/{parsed.GetValue(id)}/edit"), request, cancel)));
        });
        return command;
    }

    private static Command Cancel(DashApp app)
    {
        var id = new Argument<long>("id") { Description = "The reservation's number (dash reservation ls)" };
        var command = new Command("cancel", "Cancel a reservation (a lead of its team or an admin).") { id };
        command.SetAction((parsed, cancel) => app.WithClientAsync(parsed, client =>
            AnswerAsync(app, parsed, client.PostAsync<ReservationActionResult>(string.Create(CultureInfo.InvariantCulture, $"{Route}/{parsed.GetValue(id)}/cancel"), null, cancel))));
        return command;
    }

    private static async Task<int> AnswerAsync(DashApp app, ParseResult parsed, Task<ApiResult<ReservationActionResult>> sent)
    {
        var result = await sent.ConfigureAwait(false);
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
    }

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
}
