using Dashboard.Data.Sessions;
using Dashboard.Engine.Loop;
using Dashboard.Scheduling.Model;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Web.Tests.Sessions;

/// <summary>The usage page's "allocated but idle" GPU-hours, by team and user, as each role may see them.</summary>
public sealed class IdleGpuHoursPageTests : IAsyncLifetime
{
    private readonly DashboardFactory factory = new();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync() => await factory.DisposeAsync();

    [Fact]
    public async Task Admins_see_idle_gpu_hours_of_every_team_and_user_and_a_member_only_their_own()
    {
        using var admin = await SignIn.AsAsync(factory, "admin");
        using var alice = await SignIn.AsAsync(factory, "alice");
        var store = factory.Services.GetRequiredService<IdleUsageStore>();
        var now = factory.Services.GetRequiredService<TimeProvider>().GetUtcNow();
        await factory.Services.GetRequiredService<EngineLoop>().Started.WaitAsync(TimeSpan.FromSeconds(30), Cancel);
        var engine = factory.Services.GetRequiredService<ClusterEngine>();
        var alices = (await engine.SubmitAsync(new JobSpec("a", "alice", "vision", "sleep 1", new ResourceRequest(1, 100, 64)), "alice")).Job!.Value;
        var bobs = (await engine.SubmitAsync(new JobSpec("b", "bob", "nlp", "sleep 1", new ResourceRequest(1, 100, 64)), "bob")).Job!.Value;
        store.Add(alices, "vision", "alice", TimeSpan.FromHours(3), now.AddMinutes(-10));
        store.Add(alices, "vision", "alice", TimeSpan.FromHours(1.5), now.AddMinutes(-9));
        store.Add(bobs, "nlp", "bob", TimeSpan.FromHours(2), now.AddMinutes(-10));

        var adminPage = await admin.GetStringAsync(new Uri("/usage", UriKind.Relative), Cancel);
        var alicePage = await alice.GetStringAsync(new Uri("/usage", UriKind.Relative), Cancel);

        adminPage.Should().Contain("Allocated but idle").And.MatchRegex("data-team=\"vision\"><td>vision</td><td>4[.,]50</td>")
            .And.MatchRegex("data-user=\"bob\"><td>nlp</td><td>bob</td><td>2[.,]00</td>");
        alicePage.Should().MatchRegex("data-user=\"alice\"><td>vision</td><td>alice</td><td>4[.,]50</td>").And.NotContain("data-user=\"bob\"");
    }
}
