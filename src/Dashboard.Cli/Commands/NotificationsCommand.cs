using System.CommandLine;
using System.Globalization;
using Dashboard.Api.Contracts;

namespace Dashboard.Cli.Commands;

/// <summary>
/// <c>dash notifications [--unread] [--limit N] [--mark-read]</c>: your notifications, newest first; its subcommands
/// (settings, set, email, waiting, webhook) read and change your preferences.
/// </summary>
public static class NotificationsCommand
{
    public static Command Create(DashApp app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var unread = new Option<bool>("--unread") { Description = "Only the ones not read yet" };
        var limit = new Option<int>("--limit", "-n") { Description = "How many (1 to 200)", DefaultValueFactory = _ => 20 };
        var markRead = new Option<bool>("--mark-read") { Description = "Mark all of them read after listing" };
        var command = new Command("notifications", "List your notifications (job started, ended, preempted, waiting long); its subcommands set what you are told and where.") { unread, limit, markRead };
        foreach (var settings in NotificationSettingsCommand.Create(app))
        {
            command.Subcommands.Add(settings);
        }

        command.Subcommands.Add(NotificationWebhookCommand.Create(app));
        command.SetAction((parsed, cancel) => app.WithClientAsync(parsed, async client =>
        {
            var path = string.Create(CultureInfo.InvariantCulture, $"{NotificationRoutes.Notifications}?unread={(parsed.GetValue(unread) ? "true" : "false")}&limit={parsed.GetValue(limit)}");
            var result = await client.GetAsync<NotificationListView>(path, cancel).ConfigureAwait(false);
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
                var list = result.Value!;
                await app.Terminal.Out.WriteAsync(TextTable.Render(
                    ["", "WHEN", "WHAT", "JOB"],
                    list.Items.Select(n => (IReadOnlyList<string>)
                    [
                        n.Read ? " " : "*",
                        n.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
                        n.Body,
                        n.Job?.ToString(CultureInfo.InvariantCulture) ?? "-",
                    ]))).ConfigureAwait(false);
                await app.Terminal.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"({list.Unread} unread)")).ConfigureAwait(false);
            }

            if (parsed.GetValue(markRead))
            {
                var marked = await client.PostAsync<MarkedReadView>(NotificationRoutes.Read, new MarkNotificationsReadRequest(null, All: true), cancel).ConfigureAwait(false);
                if (!marked.Succeeded)
                {
                    return app.Fail(marked);
                }
            }

            return ExitCodes.Ok;
        }));
        return command;
    }
}
