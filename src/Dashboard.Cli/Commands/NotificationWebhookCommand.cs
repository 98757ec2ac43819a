using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Dashboard.Api.Contracts;

namespace Dashboard.Cli.Commands;

/// <summary>
/// <c>dash notifications webhook add URL</c> (its signing secret printed this once), <c>... webhook ls</c> (with each
/// one's delivery state: a failing endpoint says why), <c>... webhook rm ID</c> and <c>... webhook test ID</c> (a
/// signed test POST sent now); only your own webhooks.
/// </summary>
public static class NotificationWebhookCommand
{
    public static Command Create(DashApp app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var webhook = new Command("webhook", "Your notification webhooks (a signed JSON POST per notification): add, list, remove, test.");

        var url = new Argument<string>("url") { Description = "An http(s) URL, e.g. https://hooks.slack.com/services/..." };
        var add = new Command("add", "Add a webhook; prints its signing secret, shown only this once.") { url };
        add.SetAction((parsed, cancel) => app.WithClientAsync(parsed, async client =>
        {
            var created = await client.PostAsync<CreatedWebhookView>(NotificationRoutes.Webhooks, new NewWebhookRequest(parsed.GetValue(url)), cancel).ConfigureAwait(false);
            if (!created.Succeeded)
            {
                return app.Fail(created);
            }

            if (app.Json(parsed))
            {
                app.WriteJson(created.Json);
            }
            else
            {
                var hook = created.Value!;
                await app.Terminal.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"Added webhook {hook.Id}: {hook.Url}")).ConfigureAwait(false);
                await app.Terminal.Out.WriteLineAsync("Its signing secret (HMAC-SHA256 key of the X-Dashboard-Signature header), shown only now:").ConfigureAwait(false);
                await app.Terminal.Out.WriteLineAsync(hook.Secret).ConfigureAwait(false);
            }

            return ExitCodes.Ok;
        }));

        var ls = new Command("ls", "List your webhooks and whether deliveries to each work (a failing one shows its last error).");
        ls.SetAction((parsed, cancel) => app.WithClientAsync(parsed, async client =>
        {
            var result = await client.GetAsync<NotificationPreferencesView>(NotificationRoutes.Preferences, cancel).ConfigureAwait(false);
            if (!result.Succeeded)
            {
                return app.Fail(result);
            }

            if (app.Json(parsed))
            {
                using var document = JsonDocument.Parse(result.Json);
                app.WriteJson(document.RootElement.GetProperty("webhooks").GetRawText());
            }
            else if (result.Value!.Webhooks.Count == 0)
            {
                await app.Terminal.Out.WriteLineAsync("No webhooks; add one with dash notifications webhook add URL.").ConfigureAwait(false);
            }
            else
            {
                await app.Terminal.Out.WriteAsync(NotificationText.Webhooks(result.Value.Webhooks)).ConfigureAwait(false);
            }

            return ExitCodes.Ok;
        }));

        var id = new Argument<long>("id") { Description = "The webhook's id (dash notifications webhook ls)" };
        var rm = new Command("rm", "Remove one of your webhooks.") { id };
        rm.SetAction((parsed, cancel) => app.WithClientAsync(parsed, async client =>
        {
            var removed = await client.DeleteWithoutContentAsync(NotificationRoutes.Webhook(parsed.GetValue(id)), cancel).ConfigureAwait(false);
            if (!removed.Succeeded)
            {
                return app.Fail(removed);
            }

            var text = string.Create(CultureInfo.InvariantCulture, $"Removed webhook {parsed.GetValue(id)}.");
            if (app.Json(parsed))
            {
                app.WriteJson(JsonSerializer.Serialize(new { id = parsed.GetValue(id), removed = true }));
            }
            else
            {
                await app.Terminal.Out.WriteLineAsync(text).ConfigureAwait(false);
            }

            return ExitCodes.Ok;
        }));

        var test = new Command("test", "Send a signed test POST (event \"test\") to one of your webhooks now and say whether it was taken; exit 1 when not.") { id };
        test.SetAction((parsed, cancel) => app.WithClientAsync(parsed, async client =>
        {
            var sent = await client.PostAsync<WebhookTestView>(NotificationRoutes.WebhookTest(parsed.GetValue(id)), null, cancel).ConfigureAwait(false);
            if (!sent.Succeeded)
            {
                return app.Fail(sent);
            }

            var outcome = sent.Value!;
            if (app.Json(parsed))
            {
                app.WriteJson(sent.Json);
            }
            else
            {
                var line = string.Create(CultureInfo.InvariantCulture, $"Webhook {outcome.Id}: {outcome.Detail}");
                await (outcome.Delivered ? app.Terminal.Out : app.Terminal.Error).WriteLineAsync(line).ConfigureAwait(false);
            }

            return outcome.Delivered ? ExitCodes.Ok : ExitCodes.Refused;
        }));

        webhook.Subcommands.Add(add);
        webhook.Subcommands.Add(ls);
        webhook.Subcommands.Add(rm);
        webhook.Subcommands.Add(test);
        return webhook;
    }
}
