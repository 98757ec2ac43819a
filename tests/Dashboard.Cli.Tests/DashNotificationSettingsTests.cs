using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Dashboard.Api.Contracts;
using Dashboard.Engine.Notifications;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Cli.Tests;

/// <summary>
/// <c>dash notifications settings / set / email / waiting / webhook</c> against the real server: each change read back
/// through the API, bad values refused with the reason and nothing changed, webhooks only their owner's, and a failing
/// endpoint shown to its owner. Each test has its own person, so their preferences do not meet.
/// </summary>
[Collection(nameof(SharedDashServer))]
public sealed partial class DashNotificationSettingsTests(DashServer server)
{
    [Fact]
    public async Task Kinds_are_turned_on_and_off_per_channel_and_read_back_through_the_api()
    {
        var before = await PreferencesAsync("alice");

        var set = await Dash.RunAsync(server, "alice", "notifications", "set", "job.failed", "job.preempted", "--email", "on", "--webhook", "off");

        set.ExitCode.Should().Be(ExitCodes.Ok, set.ToString());
        set.Out.Split('\n').Should().Contain(l => Regex.IsMatch(l, @"^job\.failed\s+on\s+on\s+off\s+"), "the new choices are printed");
        var after = await PreferencesAsync("alice");
        foreach (var kind in new[] { "job.failed", "job.preempted" })
        {
            var choice = after.Choices.Single(c => c.Kind == kind);
            choice.Email.Should().BeTrue();
            choice.Webhook.Should().BeFalse();
            choice.Dashboard.Should().Be(before.Choices.Single(c => c.Kind == kind).Dashboard, "a channel not named stays as it was");
        }

        after.Choices.Where(c => c.Kind is not "job.failed" and not "job.preempted").Should().BeEquivalentTo(before.Choices.Where(c => c.Kind is not "job.failed" and not "job.preempted"));
        if (!after.EmailAvailable)
        {
            set.Error.Should().Contain("this server does not send email");
        }

        var all = await Dash.RunAsync(server, "alice", "notifications", "set", "all", "--webhook", "on", "--json");
        all.ExitCode.Should().Be(ExitCodes.Ok, all.ToString());
        var printed = JsonSerializer.Deserialize<NotificationPreferencesView>(all.Out, ApiClient.Json)!;
        printed.Choices.Should().OnlyContain(c => c.Webhook);
        (await PreferencesAsync("alice")).Choices.Should().OnlyContain(c => c.Webhook).And.HaveCount(printed.Choices.Count);

        var settings = await Dash.RunAsync(server, "alice", "notifications", "settings", "--json");
        settings.ExitCode.Should().Be(ExitCodes.Ok, settings.ToString());
        using var json = JsonDocument.Parse(settings.Out);
        json.RootElement.GetProperty("choices").EnumerateArray().Select(c => c.GetProperty("kind").GetString())
            .Should().StartWith(["job.started", "job.succeeded", "job.failed", "job.cancelled", "job.timed-out", "job.preempted", "job.waiting-long", "sweep.finished"]);
        var text = await Dash.RunAsync(server, "alice", "notifications", "settings");
        text.Out.Should().StartWith("KIND").And.Contain("Waiting: ").And.Contain("Webhooks: none");

        var off = await Dash.RunAsync(server, "alice", "notifications", "set", "all", "--webhook", "off");
        off.ExitCode.Should().Be(ExitCodes.Ok, off.ToString());
    }

    [Fact]
    public async Task The_email_address_and_waiting_threshold_are_set_and_a_bad_value_changes_nothing()
    {
        var email = await Dash.RunAsync(server, "admin", "notifications", "email", "admin@example.org");
        email.ExitCode.Should().Be(ExitCodes.Ok, email.ToString());
        email.Out.Should().Contain("Email:   admin@example.org");
        var waiting = await Dash.RunAsync(server, "admin", "notifications", "waiting", "90");
        waiting.ExitCode.Should().Be(ExitCodes.Ok, waiting.ToString());
        waiting.Out.Should().Contain("told when a job has waited 90 min");
        var saved = await PreferencesAsync("admin");
        saved.Email.Should().Be("admin@example.org");
        saved.WaitingMinutes.Should().Be(90);

        var badEmail = await Dash.RunAsync(server, "admin", "notifications", "email", "not-an-address");
        badEmail.ExitCode.Should().Be(ExitCodes.Refused, badEmail.ToString());
        badEmail.Error.Should().Contain("'not-an-address' is not an email address");
        var controlCharacters = await Dash.RunAsync(server, "admin", "notifications", "email", "a\u0007@example.org");
        controlCharacters.ExitCode.Should().Be(ExitCodes.Refused, controlCharacters.ToString());
        var tooLong = await Dash.RunAsync(server, "admin", "notifications", "waiting", "10081");
        tooLong.ExitCode.Should().Be(ExitCodes.Refused, tooLong.ToString());
        tooLong.Error.Should().Contain("The waiting threshold is 0 (never) to 10080 minutes");
        var unknownKind = await Dash.RunAsync(server, "admin", "notifications", "set", "job.exploded", "--email", "on");
        unknownKind.ExitCode.Should().Be(ExitCodes.Usage, unknownKind.ToString());
        unknownKind.Error.Should().Contain("'job.exploded' is not a notification kind; the kinds are job.started, job.succeeded");
        (await PreferencesAsync("admin")).Should().BeEquivalentTo(saved, "every refusal changed nothing");

        foreach (var usage in new[]
        {
            new[] { "waiting", "soon" },
            ["email"],
            ["email", "x@example.org", "--clear"],
            ["set", "job.failed"],
            ["set", "job.failed", "--email", "maybe"],
            ["set", "--email", "on"],
        })
        {
            var run = await Dash.RunAsync(server, "admin", ["notifications", .. usage]);
            run.ExitCode.Should().Be(ExitCodes.Usage, run.ToString());
            run.Error.Should().StartWith("dash: ");
        }

        (await PreferencesAsync("admin")).Should().BeEquivalentTo(saved);
        var cleared = await Dash.RunAsync(server, "admin", "notifications", "email", "--clear");
        cleared.ExitCode.Should().Be(ExitCodes.Ok, cleared.ToString());
        (await PreferencesAsync("admin")).Email.Should().BeNull();
        (await Dash.RunAsync(server, "admin", "notifications", "waiting", "60")).ExitCode.Should().Be(ExitCodes.Ok);

        var anonymous = await Dash.RunAsync(server, null, "notifications", "settings");
        anonymous.ExitCode.Should().Be(ExitCodes.Unauthorized, anonymous.ToString());
    }

    [Fact]
    public async Task A_webhook_is_added_with_its_secret_shown_once_listed_and_removed_only_by_its_owner()
    {
        // A reserved name (.example never resolves); nothing here delivers to it.
        var added = await Dash.RunAsync(server, "bob", "notifications", "webhook", "add", "https://hooks.example/hooks/bob", "--json");
        added.ExitCode.Should().Be(ExitCodes.Ok, added.ToString());
        var created = JsonSerializer.Deserialize<CreatedWebhookView>(added.Out, ApiClient.Json)!;
        created.Secret.Should().NotBeNullOrWhiteSpace();
        created.Url.Should().Be("https://hooks.example/hooks/bob");

        var text = await Dash.RunAsync(server, "bob", "notifications", "webhook", "add", "https://hooks.example/hooks/bob-2");
        text.ExitCode.Should().Be(ExitCodes.Ok, text.ToString());
        var second = long.Parse(AddedLine().Match(text.Out).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        text.Out.Should().Contain("shown only now");

        var listed = await Dash.RunAsync(server, "bob", "notifications", "webhook", "ls");
        listed.ExitCode.Should().Be(ExitCodes.Ok, listed.ToString());
        listed.Out.Split('\n')[0].Should().MatchRegex(@"^ID\s+URL\s+ADDED\s+DELIVERY$");
        listed.Out.Should().Contain("https://hooks.example/hooks/bob").And.Contain("working").And.NotContain(created.Secret, "the secret is shown only when added");
        var listedJson = await Dash.RunAsync(server, "bob", "notifications", "webhook", "ls", "--json");
        JsonSerializer.Deserialize<List<NotificationWebhookView>>(listedJson.Out, ApiClient.Json)!.Select(h => h.Id).Should().Contain([created.Id, second]);

        var bad = await Dash.RunAsync(server, "bob", "notifications", "webhook", "add", "ftp://example.org/hook");
        bad.ExitCode.Should().Be(ExitCodes.Refused, bad.ToString());
        bad.Error.Should().Contain("A webhook URL starts with https://");
        var id = created.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        // A test to a private address (a webhook stored before an admin refused private networks, say): this server
        // refuses to send it, and says so (exit 1), before any connection.
        var stored = server.Factory.Services.GetRequiredService<Dashboard.Data.Notifications.NotificationChoiceStore>()
            .AddWebhook("bob", "https://10.20.30.40/hooks/bob", "whsec_before", TimeProvider.System.GetUtcNow()).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var tested = await Dash.RunAsync(server, "bob", "notifications", "webhook", "test", stored);
        tested.ExitCode.Should().Be(ExitCodes.Refused, tested.ToString());
        tested.Error.Should().Contain($"Webhook {stored}: Not delivered: ").And.Contain("private-network address");
        (await Dash.RunAsync(server, "bob", "notifications", "webhook", "rm", stored)).ExitCode.Should().Be(ExitCodes.Ok);
        var testedByAlice = await Dash.RunAsync(server, "alice", "notifications", "webhook", "test", id);
        testedByAlice.ExitCode.Should().Be(ExitCodes.NotFound, testedByAlice.ToString());
        var byAlice = await Dash.RunAsync(server, "alice", "notifications", "webhook", "rm", id);
        byAlice.ExitCode.Should().Be(ExitCodes.NotFound, byAlice.ToString());
        byAlice.Error.Should().Contain($"You have no webhook {id}.");
        (await PreferencesAsync("bob")).Webhooks.Select(h => h.Id).Should().Contain([created.Id, second], "a refusal removes nothing");
        (await Dash.RunAsync(server, "bob", "notifications", "webhook", "rm", "first")).ExitCode.Should().Be(ExitCodes.Usage);

        var removed = await Dash.RunAsync(server, "bob", "notifications", "webhook", "rm", id);
        removed.ExitCode.Should().Be(ExitCodes.Ok, removed.ToString());
        removed.Out.Trim().Should().Be($"Removed webhook {id}.");
        var removedJson = await Dash.RunAsync(server, "bob", "notifications", "webhook", "rm", second.ToString(System.Globalization.CultureInfo.InvariantCulture), "--json");
        removedJson.ExitCode.Should().Be(ExitCodes.Ok, removedJson.ToString());
        JsonDocument.Parse(removedJson.Out).RootElement.GetProperty("removed").GetBoolean().Should().BeTrue();
        (await PreferencesAsync("bob")).Webhooks.Select(h => h.Id).Should().NotContain([created.Id, second]);
        var again = await Dash.RunAsync(server, "bob", "notifications", "webhook", "rm", id);
        again.ExitCode.Should().Be(ExitCodes.NotFound, again.ToString());
    }

    [Fact]
    public async Task A_failing_webhook_is_shown_to_its_owner_with_its_error()
    {
        // A loopback address is refused when added, with the reason; one stored before (while an admin allowed private
        // networks, say) is refused at delivery, and its owner sees why.
        var refused = await Dash.RunAsync(server, "lead", "notifications", "webhook", "add", "https://127.0.0.1:9/hook");
        refused.ExitCode.Should().Be(ExitCodes.Refused, refused.ToString());
        refused.Error.Should().Contain("127.0.0.1 is a loopback or private-network address");
        (await PreferencesAsync("lead")).Webhooks.Should().BeEmpty("a refused webhook is not stored");
        var services = server.Factory.Services;
        var hookId = services.GetRequiredService<Dashboard.Data.Notifications.NotificationChoiceStore>().AddWebhook("lead", "https://127.0.0.1:9/hook", "whsec_before", TimeProvider.System.GetUtcNow());
        services.GetRequiredService<NotificationDirectory>().Reload();
        (await Dash.RunAsync(server, "lead", "notifications", "set", "job.cancelled", "--webhook", "on")).ExitCode.Should().Be(ExitCodes.Ok);

        // A held job, cancelled: its job.cancelled notice is queued with the cancel, whatever the cluster is doing.
        var submitted = await Dash.RunAsync(server, "lead", "submit", "--team", "vision", "--gpus", "0", "--cpus", "1", "--hold", "--name", "hooked", "--", "true");
        submitted.ExitCode.Should().Be(ExitCodes.Ok, submitted.ToString());
        var job = SubmittedLine().Match(submitted.Out).Groups[1].Value;
        var cancelled = await Dash.RunAsync(server, "lead", "cancel", job);
        cancelled.ExitCode.Should().Be(ExitCodes.Ok, cancelled.ToString());

        // Every due delivery is tried before this returns (the server's own worker may have tried it first: then it is marked already).
        await server.Factory.Services.GetRequiredService<OutboxDeliveryWorker>().DeliverDueAsync(TestContext.Current.CancellationToken);

        var listed = await Dash.RunAsync(server, "lead", "notifications", "webhook", "ls");
        listed.ExitCode.Should().Be(ExitCodes.Ok, listed.ToString());
        listed.Out.Split('\n').Should().Contain(l => l.StartsWith(hookId.ToString(System.Globalization.CultureInfo.InvariantCulture) + " ", StringComparison.Ordinal)
            && l.Contains("failing: 127.0.0.1 is a loopback or private-network address", StringComparison.Ordinal) && l.EndsWith("given up", StringComparison.Ordinal));
        var settings = await Dash.RunAsync(server, "lead", "notifications", "settings");
        settings.Out.Should().Contain("failing: 127.0.0.1 is a loopback or private-network address");
        var api = (await PreferencesAsync("lead")).Webhooks.Single(h => h.Id == hookId);
        api.LastError.Should().Contain("private-network address");
        api.GivenUp.Should().BeTrue();
        (await PreferencesAsync("alice")).Webhooks.Should().NotContain(h => h.Id == hookId, "only its owner sees it");

        (await Dash.RunAsync(server, "lead", "notifications", "set", "job.cancelled", "--webhook", "off")).ExitCode.Should().Be(ExitCodes.Ok);
        (await Dash.RunAsync(server, "lead", "notifications", "webhook", "rm", hookId.ToString(System.Globalization.CultureInfo.InvariantCulture))).ExitCode.Should().Be(ExitCodes.Ok);
    }

    [Fact]
    public async Task Help_lists_the_preference_commands()
    {
        var help = await Dash.RunAsync(server, null, "notifications", "--help");

        help.ExitCode.Should().Be(ExitCodes.Ok, help.ToString());
        help.Out.Should().Contain("settings").And.Contain("set <kind>").And.Contain("email").And.Contain("waiting").And.Contain("webhook");
        var set = await Dash.RunAsync(server, null, "notifications", "set", "--help");
        set.Out.Should().Contain("--email <on|off>").And.Contain("dash notifications settings' lists them all").And.Contain("'all'");
    }

    private async Task<NotificationPreferencesView> PreferencesAsync(string user)
    {
        using var http = new HttpClient { BaseAddress = server.Address };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", server.TokenOf(user));
        return (await http.GetFromJsonAsync<NotificationPreferencesView>(NotificationRoutes.Preferences.TrimStart('/'), ApiClient.Json, TestContext.Current.CancellationToken))!;
    }

    [GeneratedRegex(@"^Added webhook (\d+): ")]
    private static partial Regex AddedLine();

    [GeneratedRegex(@"Submitted job (\d+)")]
    private static partial Regex SubmittedLine();
}
