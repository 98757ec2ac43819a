using System.Net.Http.Json;
using Dashboard.Api.Contracts;
using Dashboard.Engine.Sessions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Dashboard.Web.Tests.Sessions;

/// <summary>A session host on a fake clock whose idle watch samples only when a test asks it to.</summary>
public sealed class FakeClockSessionHost()
    : SessionHost(Clock, new Dictionary<string, string> { ["Sessions:IdleSampleInterval"] = "30.00:00:00" })
{
    public static readonly FakeTimeProvider Clock = new(new DateTimeOffset(2026, 12, 6, 9, 0, 0, TimeSpan.Zero));
}

/// <summary>
/// The idle policy end to end, on a fake clock: a real session on this host, used through the proxy, then left alone;
/// its owner is warned in the dashboard after the type's idle minutes, and it is stopped after the grace, its folder kept.
/// </summary>
public sealed class IdleSessionTests(FakeClockSessionHost host) : IClassFixture<FakeClockSessionHost>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_session_left_idle_is_warned_then_stopped_keeping_its_folder()
    {
        var clock = FakeClockSessionHost.Clock;
        var services = host.Api.Factory.Services;
        var idle = services.GetRequiredService<IdleWatch>();
        var health = services.GetRequiredService<SessionHealthWatch>();
        var session = await host.StartAsync("alice", new SessionStartRequest("web", "vision", 0, "4h", "echo idle-page > index.html; exec python3 -m http.server --bind 127.0.0.1 \"$PORT\""));
        await host.UntilAsync("alice", session.Id, s => s.Status == "starting");
        await ReadyAsync(health, session.Id);
        var alice = await host.BrowserAsync("alice");
        (await alice.GetStringAsync(new Uri(session.Url, UriKind.Relative), Cancel)).Should().Contain("idle-page");

        clock.Advance(TimeSpan.FromMinutes(30));
        var half = await idle.SampleAsync(clock.GetUtcNow(), Cancel);
        clock.Advance(TimeSpan.FromMinutes(31));
        var warned = await idle.SampleAsync(clock.GetUtcNow(), Cancel);
        var warning = await NoticesAsync();
        clock.Advance(TimeSpan.FromMinutes(15));
        var stopped = await idle.SampleAsync(clock.GetUtcNow(), Cancel);
        var ended = await host.UntilAsync("alice", session.Id, s => s.Status == "ended");

        half[new(session.Id)].Should().Be(IdleVerdict.Idle);
        warned[new(session.Id)].Should().Be(IdleVerdict.Warn);
        warning.Should().ContainSingle(n => n.Job == session.Id && n.Kind == "IdleWarning")
            .Which.Message.Should().Be($"Your session {session.Id} has been idle for 61 min; it stops in 15 min unless you use it.");
        stopped[new(session.Id)].Should().Be(IdleVerdict.Stop);
        ended.Status.Should().Be("ended");
        ended.Job.EndReason.Should().Contain(IdleWatch.Actor);
        (await NoticesAsync()).Should().Contain(n => n.Job == session.Id && n.Kind == "IdleStop");
        File.ReadAllText(Path.Combine(host.Api.Factory.DataFolder, "jobs", session.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), "index.html"))
            .Should().Contain("idle-page", "a stopped session keeps its folder");
    }

    private async Task<List<JobNoticeView>> NoticesAsync() =>
        (await host.Api.As("alice").GetFromJsonAsync<List<JobNoticeView>>(new Uri(ApiRoutes.Sessions + "/notices", UriKind.Relative), Cancel))!;

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
