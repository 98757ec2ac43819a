using System.CommandLine;
using Dashboard.Api.Contracts;

namespace Dashboard.Cli.Commands;

/// <summary>
/// Your notification preferences from the terminal, through the API like the /account/notifications page:
/// <c>dash notifications settings</c>, <c>dash notifications set KIND... --email on|off ...</c>,
/// <c>dash notifications email ADDRESS|--clear</c> and <c>dash notifications waiting MINUTES</c>. A bad value is
/// refused with the reason and changes nothing.
/// </summary>
public static class NotificationSettingsCommand
{
    /// <summary>The word that names every kind in <c>set</c>.</summary>
    public const string AllKinds = "all";

    public static IEnumerable<Command> Create(DashApp app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return [Settings(app), Set(app), Email(app), Waiting(app)];
    }

    /// <summary>Prints the preferences (or their JSON) after a read or a change.</summary>
    public static async Task<int> WriteAsync(DashApp app, ParseResult parsed, ApiResult<NotificationPreferencesView> result)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(result);
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
            await app.Terminal.Out.WriteLineAsync(NotificationText.Preferences(result.Value!)).ConfigureAwait(false);
        }

        return ExitCodes.Ok;
    }

    private static Command Settings(DashApp app)
    {
        var command = new Command("settings", "Show what you are told about and where (dashboard, email, webhooks), your email address, waiting threshold and webhooks, and any that fail.");
        command.SetAction((parsed, cancel) => app.WithClientAsync(parsed, async client =>
            await WriteAsync(app, parsed, await client.GetAsync<NotificationPreferencesView>(NotificationRoutes.Preferences, cancel).ConfigureAwait(false)).ConfigureAwait(false)));
        return command;
    }

    private static Command Set(DashApp app)
    {
        var kinds = new Argument<string[]>("kind")
        {
            Description = "One or more kinds, e.g. job.failed job.waiting-long sweep.finished ('dash notifications settings' lists them all), or 'all'",
            Arity = ArgumentArity.OneOrMore,
        };
        var dashboard = Channel("--dashboard", "The bell in the dashboard");
        var email = Channel("--email", "Email to your address (dash notifications email)");
        var webhook = Channel("--webhook", "Your webhooks (dash notifications webhook)");
        var command = new Command("set", "Turn kinds of notification on or off per channel, e.g. 'set job.failed --email on --webhook off'.") { kinds, dashboard, email, webhook };
        command.SetAction((parsed, cancel) =>
        {
            var wanted = (Dashboard: On(parsed.GetValue(dashboard)), Email: On(parsed.GetValue(email)), Webhook: On(parsed.GetValue(webhook)));
            if (wanted is { Dashboard: null, Email: null, Webhook: null })
            {
                return Task.FromResult(app.Usage("say which channel to change: --dashboard, --email or --webhook, each on or off"));
            }

            return app.WithClientAsync(parsed, async client =>
            {
                var current = await client.GetAsync<NotificationPreferencesView>(NotificationRoutes.Preferences, cancel).ConfigureAwait(false);
                if (!current.Succeeded)
                {
                    return app.Fail(current);
                }

                var known = current.Value!.Choices;
                var named = parsed.GetValue(kinds) ?? [];
                var unknown = named.Where(k => k != AllKinds && known.All(c => c.Kind != k)).ToList();
                if (unknown.Count > 0)
                {
                    return app.Usage($"'{unknown[0]}' is not a notification kind; the kinds are {string.Join(", ", known.Select(c => c.Kind))} (or '{AllKinds}')");
                }

                var changed = known
                    .Where(c => named.Contains(AllKinds) || named.Contains(c.Kind))
                    .Select(c => c with { Dashboard = wanted.Dashboard ?? c.Dashboard, Email = wanted.Email ?? c.Email, Webhook = wanted.Webhook ?? c.Webhook })
                    .ToList();
                if (wanted.Email == true && !current.Value.EmailAvailable)
                {
                    await app.Terminal.Error.WriteLineAsync("dash: note: this server does not send email (an admin sets Notifications:Smtp); the choice is kept for when it does").ConfigureAwait(false);
                }

                var saved = await client.PutAsync<NotificationPreferencesView>(NotificationRoutes.Preferences, new NotificationPreferencesUpdate(null, null, changed), cancel).ConfigureAwait(false);
                return await WriteAsync(app, parsed, saved).ConfigureAwait(false);
            });
        });
        return command;
    }

    private static Command Email(DashApp app)
    {
        var address = new Argument<string?>("address") { Description = "Where email notifications go, e.g. you@example.org", Arity = ArgumentArity.ZeroOrOne };
        var clear = new Option<bool>("--clear") { Description = "Remove the address (no email is sent)" };
        var command = new Command("email", "Set (or --clear) the address your email notifications go to.") { address, clear };
        command.SetAction((parsed, cancel) =>
        {
            var given = parsed.GetValue(address);
            var clearing = parsed.GetValue(clear);
            if ((given is null && !clearing) || (given is not null && clearing))
            {
                return Task.FromResult(app.Usage("give an email address, or --clear to remove yours (not both)"));
            }

            if (!clearing && string.IsNullOrWhiteSpace(given))
            {
                return Task.FromResult(app.Usage("the email address is empty; use --clear to remove yours"));
            }

            return app.WithClientAsync(parsed, async client => await WriteAsync(
                app,
                parsed,
                await client.PutAsync<NotificationPreferencesView>(NotificationRoutes.Preferences, new NotificationPreferencesUpdate(clearing ? string.Empty : given, null, null), cancel).ConfigureAwait(false)).ConfigureAwait(false));
        });
        return command;
    }

    private static Command Waiting(DashApp app)
    {
        var minutes = new Argument<int>("minutes") { Description = "Tell me when a job of mine has waited this many minutes (0: never; at most a week, 10080)" };
        var command = new Command("waiting", "Set after how many minutes of waiting a job of yours is reported (job.waiting-long).") { minutes };
        command.SetAction((parsed, cancel) => app.WithClientAsync(parsed, async client => await WriteAsync(
            app,
            parsed,
            await client.PutAsync<NotificationPreferencesView>(NotificationRoutes.Preferences, new NotificationPreferencesUpdate(null, parsed.GetValue(minutes), null), cancel).ConfigureAwait(false)).ConfigureAwait(false)));
        return command;
    }

    private static Option<string?> Channel(string name, string description)
    {
        var option = new Option<string?>(name) { Description = description + ": on or off", HelpName = "on|off" };
        option.AcceptOnlyFromAmong("on", "off");
        return option;
    }

    private static bool? On(string? value) => value switch
    {
        "on" => true,
        "off" => false,
        _ => null,
    };
}
