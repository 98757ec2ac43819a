using Dashboard.Data.Users;
using Dashboard.Engine.Loop;
using Dashboard.Engine.Notifications;
using Dashboard.Scheduling.Model;
using Dashboard.Web.Identity;
using Dashboard.Web.Notifications;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Web.Tests.Notifications;

/// <summary>
/// The whole path in the real app: a person's webhook chosen on their preferences, their job starts in the engine, and
/// a real receiver on loopback gets the signed POST, woken by the engine's commit (not by the poll, set to an hour here).
/// </summary>
public sealed class NotificationDeliveryHostTests
{
    [Fact]
    public async Task A_started_job_reaches_its_owners_webhook_signed_through_the_running_app()
    {
        await using var receiver = await LoopbackWebhookReceiver.StartAsync(TestContext.Current.CancellationToken);
        var url = receiver.Url;

        await using var app = new DashboardFactory
        {
            Settings = new Dictionary<string, string>
            {
                ["Notifications:PublicUrl"] = "https://gpu.example.org",
                ["Notifications:Webhooks:AllowPrivateNetworks"] = "true",
                ["Notifications:Delivery:PollInterval"] = "01:00:00",
            },
        };
        app.StartServer();
        await app.AccountsReady.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        await app.Services.GetRequiredService<EngineLoop>().Started.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        var alice = SignedInUser.Of(app.Services.GetRequiredService<UserStore>().Find("alice")!);
        var editor = app.Services.GetRequiredService<NotificationPreferencesEditor>();
        var (hook, error) = editor.AddWebhook(alice, url);
        hook.Should().NotBeNull(error);
        editor.Save(alice, new Dashboard.Api.Contracts.NotificationPreferencesUpdate(null, null, [new("job.started", "", true, false, true)])).Errors.Should().BeEmpty();

        var submitted = await app.Services.GetRequiredService<ClusterEngine>().SubmitAsync(
            new JobSpec("hooked", "alice", "vision", "sleep 600", new ResourceRequest(1, 1000, 1024), Walltime: TimeSpan.FromHours(1)), "alice");
        submitted.Succeeded.Should().BeTrue(submitted.Reason);

        await receiver.FirstArrived.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        var post = receiver.Received.Should().ContainSingle().Subject;
        WebhookSignature.Verify(hook!.Secret, post.Timestamp, post.Signature, post.Body, DateTimeOffset.UtcNow, WebhookSignature.DefaultTolerance).Should().BeTrue();
        using var json = System.Text.Json.JsonDocument.Parse(post.Body);
        json.RootElement.GetProperty("text").GetString().Should().StartWith($"Job {submitted.Job} \"hooked\" started").And.EndWith($"https://gpu.example.org/jobs/{submitted.Job}");
    }
}
