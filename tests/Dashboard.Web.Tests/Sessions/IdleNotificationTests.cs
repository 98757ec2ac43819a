using Dashboard.Api.Contracts;
using Dashboard.Data.Notifications;
using Dashboard.Data.Users;
using Dashboard.Engine.Notifications;
using Dashboard.Engine.Sessions;
using Dashboard.Web.Identity;
using Dashboard.Web.Notifications;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Dashboard.Web.Tests.Sessions;

/// <summary>A session host on a clock of its own, whose idle watch samples only when asked, and whose webhooks may reach loopback.</summary>
public sealed class IdleNotificationHost()
    : SessionHost(Clock, new Dictionary<string, string>
    {
        ["Sessions:IdleSampleInterval"] = "30.00:00:00",
        ["Notifications:PublicUrl"] = "https://gpu.example.org",
        ["Notifications:Webhooks:AllowPrivateNetworks"] = "true",
        ["Notifications:Delivery:PollInterval"] = "30.00:00:00",
    })
{
    public static readonly FakeTimeProvider Clock = new(new DateTimeOffset(2026, 12, 6, 9, 0, 0, TimeSpan.Zero));
}

/// <summary>
/// The idle warning through the notification outbox, end to end: the event kind "session.idle" switched per channel on
/// a person's preferences; the warning reaches a real webhook receiver on loopback (signed) for the person who chose it
/// there, and the bell of the person who kept the default, and not the bell of the person who turned it off.
/// </summary>
public sealed class IdleNotificationTests(IdleNotificationHost host) : IClassFixture<IdleNotificationHost>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_idle_warning_goes_to_the_channels_each_owner_chose_for_session_idle()
    {
        await using var receiver = await Dashboard.Web.Tests.Notifications.LoopbackWebhookReceiver.StartAsync(Cancel);
        var url = receiver.Url;

        var services = host.Api.Factory.Services;
        var editor = services.GetRequiredService<NotificationPreferencesEditor>();
        var alice = SignedInUser.Of(services.GetRequiredService<UserStore>().Find("alice")!);
        var (hook, error) = editor.AddWebhook(alice, url);
        hook.Should().NotBeNull(error);
        editor.Save(alice, new NotificationPreferencesUpdate(null, null, [new("session.idle", "", false, false, true)])).Errors.Should().BeEmpty();

        var clock = IdleNotificationHost.Clock;
        var idle = services.GetRequiredService<IdleWatch>();
        var health = services.GetRequiredService<SessionHealthWatch>();
        var alices = await host.StartAsync("alice", Web("alice-idle", "vision"));
        var bobs = await host.StartAsync("bob", Web("bob-idle", "nlp"));
        await ReadyAsync(health, alices.Id);
        await ReadyAsync(health, bobs.Id);

        clock.Advance(TimeSpan.FromMinutes(61));
        var verdicts = await idle.SampleAsync(clock.GetUtcNow(), Cancel);
        await receiver.FirstArrived.WaitAsync(SessionHost.Patience, Cancel);

        verdicts[new(alices.Id)].Should().Be(IdleVerdict.Warn);
        verdicts[new(bobs.Id)].Should().Be(IdleVerdict.Warn);
        var warning = $"Your session {alices.Id} has been idle for 61 min; it stops in 15 min unless you use it.";
        var post = receiver.Received.Should().ContainSingle("only alice chose a webhook, and only for her own session").Subject;
        WebhookSignature.Verify(hook!.Secret, post.Timestamp, post.Signature, post.Body, clock.GetUtcNow(), WebhookSignature.DefaultTolerance).Should().BeTrue();
        using var json = System.Text.Json.JsonDocument.Parse(post.Body);
        json.RootElement.GetProperty("event").GetString().Should().Be("session.idle");
        json.RootElement.GetProperty("text").GetString().Should().Contain(warning).And.Contain($"https://gpu.example.org/sessions/{alices.Id}");

        var store = services.GetRequiredService<NotificationStore>();
        store.ListFor("alice").Should().NotContain(n => n.Kind == NotificationKind.SessionIdle, "alice turned the bell off for idle sessions");
        store.ListFor("bob").Should().ContainSingle(n => n.Kind == NotificationKind.SessionIdle && n.Job == bobs.Id)
            .Which.Body.Should().Be($"Your session {bobs.Id} has been idle for 61 min; it stops in 15 min unless you use it.");
    }

    private static SessionStartRequest Web(string page, string team) =>
        new("web", team, 0, "4h", $"echo {page} > index.html; exec python3 -m http.server --bind 127.0.0.1 \"$PORT\"");

    /// <summary>The health watch's timer runs on the fake clock: ask it directly until the real server answers.</summary>
    private async Task ReadyAsync(SessionHealthWatch health, long id)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        patience.CancelAfter(SessionHost.Patience);
        do
        {
            await health.CheckOnceAsync(patience.Token);
            if (host.Endpoints.Find(new(id))?.IsReady == true)
            {
                return;
            }
        }
        while (await timer.WaitForNextTickAsync(patience.Token));
    }
}
