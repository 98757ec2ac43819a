using System.Net;
using System.Net.Http.Json;
using Dashboard.Api.Contracts;
using Dashboard.Web.Tests.Api;

namespace Dashboard.Web.Tests.Notifications;

/// <summary>/api/v1/notifications through a real socket with personal tokens: each person reads and changes only their own.</summary>
public sealed class NotificationApiTests(ApiHost host) : IClassFixture<ApiHost>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_started_job_is_in_its_owners_notifications_only_and_only_the_owner_marks_it_read()
    {
        var alice = host.As("alice");
        var job = await ApiHost.SubmitAsync(alice, "vision", name: "notify-me");
        await host.JobOnceAsync(alice, job.Id, ApiHost.IsRunning(job.Id));

        var mine = await ListAsync(alice);
        var started = mine.Items.Should().ContainSingle(n => n.Job == job.Id && n.Kind == "job.started").Subject;
        started.Title.Should().Be($"Job {job.Id} \"notify-me\" started");
        started.Link.Should().EndWith($"/jobs/{job.Id}");
        started.Read.Should().BeFalse();
        mine.Unread.Should().BeGreaterThan(0);
        (await ListAsync(host.As("bob"))).Items.Should().NotContain(n => n.Job == job.Id, "bob sees only his own");
        (await ListAsync(host.As("admin"))).Items.Should().NotContain(n => n.Job == job.Id, "an admin too sees only their own notifications");

        var bobMarks = await MarkAsync(host.As("bob"), new MarkNotificationsReadRequest([started.Id]));
        bobMarks.Marked.Should().Be(0, "another person's id is ignored");
        (await ListAsync(alice)).Items.Single(n => n.Id == started.Id).Read.Should().BeFalse();

        var aliceMarks = await MarkAsync(alice, new MarkNotificationsReadRequest([started.Id]));
        aliceMarks.Marked.Should().Be(1);
        (await ListAsync(alice)).Items.Single(n => n.Id == started.Id).Read.Should().BeTrue();
        (await ListAsync(alice, "?unread=true")).Items.Should().NotContain(n => n.Id == started.Id);
    }

    [Fact]
    public async Task Preferences_are_read_and_changed_by_their_owner_and_a_bad_value_changes_nothing()
    {
        var bob = host.As("bob");
        var before = (await bob.GetFromJsonAsync<NotificationPreferencesView>(NotificationRoutes.Preferences, Cancel))!;
        before.Choices.Should().HaveCount(9).And.Contain(c => c.Kind == "session.idle");
        before.Choices.Should().OnlyContain(c => c.Dashboard && !c.Email && !c.Webhook, "the bell is on and the rest off until chosen");

        using (var bad = await bob.PutAsJsonAsync(NotificationRoutes.Preferences, new NotificationPreferencesUpdate("bob@\nexample.com", 30, null), Cancel))
        {
            bad.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
            (await bad.Content.ReadAsStringAsync(Cancel)).Should().Contain("email");
        }

        using (var badKind = await bob.PutAsJsonAsync(NotificationRoutes.Preferences, new NotificationPreferencesUpdate(null, null, [new NotificationChoiceView("job.exploded", "", true, true, true)]), Cancel))
        {
            badKind.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        }

        (await bob.GetFromJsonAsync<NotificationPreferencesView>(NotificationRoutes.Preferences, Cancel)).Should().BeEquivalentTo(before, "a refused change changes nothing");

        using var saved = await bob.PutAsJsonAsync(NotificationRoutes.Preferences, new NotificationPreferencesUpdate(
            "bob@example.com", 45, [new NotificationChoiceView("job.failed", "", true, true, false)]), Cancel);
        saved.StatusCode.Should().Be(HttpStatusCode.OK, await saved.Content.ReadAsStringAsync(Cancel));
        var after = (await bob.GetFromJsonAsync<NotificationPreferencesView>(NotificationRoutes.Preferences, Cancel))!;
        after.Email.Should().Be("bob@example.com");
        after.WaitingMinutes.Should().Be(45);
        after.Choices.Single(c => c.Kind == "job.failed").Email.Should().BeTrue();
        (await host.As("lead").GetFromJsonAsync<NotificationPreferencesView>(NotificationRoutes.Preferences, Cancel))!.Email.Should().BeNull("each person has their own");
    }

    [Theory]
    [InlineData("ftp://hooks.example/x")]
    [InlineData("https://hooks.example/x\u0007")]
    [InlineData("https://user:pass@hooks.example/x")]
    [InlineData("not a url")]
    public async Task A_webhook_that_is_not_plain_http_or_https_is_refused(string url)
    {
        using var response = await host.As("alice").PostAsJsonAsync(NotificationRoutes.Webhooks, new NewWebhookRequest(url), Cancel);

        response.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        (await ApiHost.ProblemOf(response)).Errors.Should().ContainKey("url");
    }

    [Theory]
    [InlineData("https://127.0.0.1/hook")]
    [InlineData("https://10.1.2.3:8443/hook")]
    [InlineData("https://192.168.0.10/hook")]
    [InlineData("https://169.254.169.254/latest/meta-data")]
    [InlineData("https://[::1]/hook")]
    [InlineData("https://[::ffff:127.0.0.1]/hook")]
    [InlineData("https://[fd00::1]/hook")]
    [InlineData("https://localhost/hook")]
    [InlineData("https://LOCALHOST./hook")]
    [InlineData("https://api.localhost/hook")]
    public async Task A_webhook_to_this_machine_or_a_private_network_is_refused_when_added_and_nothing_is_stored(string url)
    {
        var bob = host.As("bob");
        using var response = await bob.PostAsJsonAsync(NotificationRoutes.Webhooks, new NewWebhookRequest(url), Cancel);

        response.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        (await ApiHost.ProblemOf(response)).Errors!["url"].Should().ContainSingle().Which.Should().Contain("private-network").And.Contain("AllowPrivateNetworks");
        (await bob.GetFromJsonAsync<NotificationPreferencesView>(NotificationRoutes.Preferences, Cancel))!.Webhooks.Should().BeEmpty();
    }

    [Theory]
    [InlineData("https://hooks.example/x")]
    [InlineData("https://8.8.8.8/x")]
    [InlineData("https://localhost.example.org/x")]
    public void A_public_host_or_a_name_that_only_looks_local_is_accepted_when_added(string url) =>
        Dashboard.Engine.Notifications.WebhookAddress.Problem(url, new Dashboard.Engine.Notifications.WebhookOptions()).Should().BeNull();

    [Fact]
    public async Task A_webhook_shows_its_secret_once_and_only_its_owner_removes_it()
    {
        var lead = host.As("lead");
        using var created = await lead.PostAsJsonAsync(NotificationRoutes.Webhooks, new NewWebhookRequest("https://hooks.example/lead"), Cancel);
        created.StatusCode.Should().Be(HttpStatusCode.Created);
        var hook = (await created.Content.ReadFromJsonAsync<CreatedWebhookView>(Cancel))!;
        hook.Secret.Should().StartWith("whsec_");
        created.Headers.Location!.ToString().Should().Be(NotificationRoutes.Webhook(hook.Id));

        var prefs = await lead.GetStringAsync(NotificationRoutes.Preferences, Cancel);
        prefs.Should().Contain("https://hooks.example/lead").And.NotContain(hook.Secret, "the secret is shown once");

        using (var others = await host.As("alice").DeleteAsync(NotificationRoutes.Webhook(hook.Id), Cancel))
        {
            others.StatusCode.Should().Be(HttpStatusCode.NotFound);
        }

        using var removed = await lead.DeleteAsync(NotificationRoutes.Webhook(hook.Id), Cancel);
        removed.StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await lead.GetFromJsonAsync<NotificationPreferencesView>(NotificationRoutes.Preferences, Cancel))!.Webhooks.Should().BeEmpty();
    }

    [Fact]
    public async Task Without_sign_in_every_notification_endpoint_answers_401_and_the_openapi_document_lists_them()
    {
        var anonymous = host.As("");
        using (var list = await anonymous.GetAsync(NotificationRoutes.Notifications, Cancel))
        {
            list.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        }

        using (var prefs = await anonymous.PutAsJsonAsync(NotificationRoutes.Preferences, new NotificationPreferencesUpdate(null, 1, null), Cancel))
        {
            prefs.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        }

        var document = await anonymous.GetStringAsync(ApiRoutes.OpenApiDocument, Cancel);
        document.Should().Contain("\"/api/v1/notifications\"").And.Contain("\"/api/v1/notifications/read\"")
            .And.Contain("\"/api/v1/notifications/preferences\"").And.Contain("\"/api/v1/notifications/webhooks\"");
    }

    private static async Task<NotificationListView> ListAsync(HttpClient client, string query = "") =>
        (await client.GetFromJsonAsync<NotificationListView>(NotificationRoutes.Notifications + query, Cancel))!;

    private static async Task<MarkedReadView> MarkAsync(HttpClient client, MarkNotificationsReadRequest request)
    {
        using var response = await client.PostAsJsonAsync(NotificationRoutes.Read, request, Cancel);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Cancel));
        return (await response.Content.ReadFromJsonAsync<MarkedReadView>(Cancel))!;
    }
}
