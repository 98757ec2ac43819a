using Dashboard.Data.Jobs;
using Dashboard.Data.Users;
using Dashboard.Engine.Feed;
using Dashboard.Engine.Loop;
using Dashboard.Scheduling.Control;
using Dashboard.Scheduling.Model;
using Dashboard.Web.Commands;
using Dashboard.Web.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Web.Tests.Commands;

/// <summary>
/// Every kind of command the door knows refuses a person without the right, and nothing of it reaches the engine: a
/// new kind of command fails here until it has an example below, which makes its check part of the test.
/// </summary>
public sealed class EveryCommandIsCheckedTests(DashboardFactory factory) : IClassFixture<DashboardFactory>
{
    /// <summary>A member of one team, owner of nothing, leading nothing.</summary>
    private static readonly SignedInUser Nobody = new("nobody", UserRole.Member, ["nobodys-team"]);

    private async Task<IReadOnlyList<ClusterCommand>> ExamplesAsync()
    {
        await factory.Services.GetRequiredService<EngineLoop>().Started.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        var admin = new SignedInUser("admin", UserRole.Admin, []);
        var someonesJob = await factory.Services.GetRequiredService<ClusterCommands>()
            .SubmitAsync(admin, new JobSpec("someones", "admin", "vision", "sleep 1", new ResourceRequest(0, 100, 64), Walltime: TimeSpan.FromHours(1)));
        someonesJob.Succeeded.Should().BeTrue(someonesJob.Reason);
        return
        [
            new SubmitJob(new JobSpec("elsewhere", "nobody", "vision", "sleep 1", new ResourceRequest(0, 100, 64))),
            new CancelJob(someonesJob.Job!.Value),
            new SetQuota(new TeamQuota("vision", new ResourceAmount(1, 1000, 1024), new ResourceAmount(1, 1000, 1024))),
            new SetNodeState("demo-gpu-01", NodeState.Draining, "maintenance"),
            new SetPoolPaused("burst", true),
            new HoldJob(someonesJob.Job!.Value, HoldAuthority.Owner),
            new ReleaseJob(someonesJob.Job!.Value, HoldAuthority.Owner),
            new SubmitJobAfter(new JobSpec("after", "nobody", "vision", "sleep 1", new ResourceRequest(0, 100, 64)), [new DependencyTerm(someonesJob.Job!.Value, DependencyRule.AfterOk)]),
            new SubmitSweep(new JobSpec("sweep", "nobody", "vision", "sleep 1", new ResourceRequest(0, 100, 64)), "seed=[1,2]", 1),
            new ActOnSweep(someonesJob.Job!.Value.Value, SweepAction.Cancel, HoldAuthority.Owner),
            new EditJob(someonesJob.Job!.Value, new JobSpec("edited", "nobody", "vision", "sleep 2", new ResourceRequest(0, 100, 64))),
            new RequeueJob(someonesJob.Job!.Value),
            new ResubmitFailedSweep(someonesJob.Job!.Value.Value),
            new Dashboard.Web.Sessions.StartSession(
                new JobSpec("session", "nobody", "vision", "jupyter", new ResourceRequest(0, 100, 64), Session: new SessionRequest("jupyter")),
                factory.Services.GetRequiredService<Dashboard.Engine.Sessions.SessionTypes>().Find("jupyter")!),
            new Dashboard.Web.Sessions.ExtendWalltime(someonesJob.Job!.Value, TimeSpan.FromHours(1)),
            new Dashboard.Web.Reservations.BookReservation(Booking, Dashboard.Scheduling.Reservations.BookingLimits.Default, ByAdmin: false),
            new Dashboard.Web.Reservations.EditReservation(Booking with { Id = 1 }, Dashboard.Scheduling.Reservations.BookingLimits.Default, ByAdmin: false),
            new Dashboard.Web.Reservations.ApproveReservation(1),
            new Dashboard.Web.Reservations.CancelReservation(1, "vision"),
        ];
    }

    /// <summary>A booking of team vision, which <see cref="Nobody"/> does not lead.</summary>
    private static readonly Dashboard.Scheduling.Reservations.AdvanceReservation Booking =
        new(0, "demo", "demo day", "vision", "A100", 1, 1000, 1024, DateTimeOffset.UnixEpoch.AddYears(60), DateTimeOffset.UnixEpoch.AddYears(60).AddHours(8));

    [Fact]
    public async Task Every_kind_of_command_has_an_example_here()
    {
        var kinds = typeof(ClusterCommand).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(ClusterCommand)) && !t.IsAbstract);

        (await ExamplesAsync()).Select(c => c.GetType()).Should().BeEquivalentTo(kinds, "each command the door knows is checked below");
    }

    [Fact]
    public async Task Every_command_from_a_person_without_the_right_is_refused_before_the_engine()
    {
        var inbox = new EngineInbox();
        var door = new ClusterCommands(new ClusterEngine(inbox, new ClusterFeed(TimeProvider.System)), factory.Services.GetRequiredService<JobStore>());

        foreach (var command in await ExamplesAsync())
        {
            var answer = door.SendAsync(Nobody, command);

            answer.IsCompleted.Should().BeTrue($"{command} is answered at the door: nothing reads this engine's inbox, so a command sent on would wait");
            (await answer).Outcome.Should().Be(CommandOutcome.Forbidden, command.ToString());
        }
    }
}
