using Dashboard.Scheduling.Control;
using Dashboard.Scheduling.Model;
using Dashboard.Scheduling.Tests.Builders;
using static Dashboard.Scheduling.Tests.Builders.ClusterBuilder;

namespace Dashboard.Scheduling.Tests.Control;

public sealed class WalltimeExtensionTests
{
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    /// <summary>Job 1 holds both GPUs of n1 until one hour from now; job 2 waits for two GPUs, so it is promised n1 then.</summary>
    private static ClusterSnapshot PromisedAfterJobOne() => Cluster()
        .Node("n1", gpus: 2)
        .Team("a", nominalGpus: 4)
        .Team("b", nominalGpus: 4)
        .Running(1, "a", "n1", [0, 1], endsAt: Time.InHours(1))
        .Pending(2, "b", gpus: 2, walltime: Hour)
        .Build();

    [Fact]
    public void An_extension_that_delays_no_promised_start_is_granted_with_the_later_end()
    {
        var snapshot = Cluster().Node("n1", gpus: 2).Node("n2", gpus: 2).Team("a", nominalGpus: 4)
            .Running(1, "a", "n1", [0, 1], endsAt: Time.InHours(1))
            .Running(3, "a", "n2", [0, 1], endsAt: Time.InHours(1))
            .Pending(2, "a", gpus: 2, walltime: Hour)
            .Build();

        // Job 2 is promised the first node to free; both free at the same time, so moving one end leaves it its start.
        var (granted, refusal) = WalltimeExtension.Decide(snapshot, Jobs.Id(1), Hour, Time.Now);

        refusal.Should().BeNull();
        granted!.End.Should().Be(Time.InHours(2));
        granted.Extended.Allocation.ExpectedEnd.Should().Be(Time.InHours(2));
        granted.Walltime.Should().Be(snapshot.Running[0].Job.Spec.Walltime!.Value + Hour);
    }

    [Fact]
    public void An_extension_that_pushes_back_a_promised_start_is_refused_and_names_the_job_promised()
    {
        var (granted, refusal) = WalltimeExtension.Decide(PromisedAfterJobOne(), Jobs.Id(1), Hour, Time.Now);

        granted.Should().BeNull();
        refusal!.Kind.Should().Be(ExtensionRefusalKind.BreaksPromise);
        refusal.Reason.Should().Contain("job 2 of team b is promised").And.Contain("n1").And.Contain("2025-03-03 10:00 UTC").And.Contain("push it back to 2025-03-03 11:00 UTC");
    }

    [Fact]
    public void Without_a_waiting_job_the_same_extension_is_granted()
    {
        var snapshot = Cluster().Node("n1", gpus: 2).Team("a", nominalGpus: 4).Running(1, "a", "n1", [0, 1], endsAt: Time.InHours(1)).Build();

        WalltimeExtension.Decide(snapshot, Jobs.Id(1), Hour, Time.Now).Refusal.Should().BeNull();
    }

    [Fact]
    public void A_walltime_past_the_longest_allowed_is_refused()
    {
        var (_, refusal) = WalltimeExtension.Decide(PromisedAfterJobOne(), Jobs.Id(1), JobSpecValidation.MaxWalltime, Time.Now);

        refusal!.Kind.Should().Be(ExtensionRefusalKind.Invalid);
        refusal.Reason.Should().StartWith("a walltime is at most 30 days");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-60)]
    [InlineData(0.5)]
    public void Less_than_a_minute_is_refused(double minutes)
    {
        var (_, refusal) = WalltimeExtension.Decide(PromisedAfterJobOne(), Jobs.Id(1), TimeSpan.FromMinutes(minutes), Time.Now);

        refusal!.Kind.Should().Be(ExtensionRefusalKind.Invalid);
    }

    [Fact]
    public void A_waiting_job_an_unknown_job_and_a_job_without_walltime_cannot_be_extended()
    {
        var snapshot = Cluster().Node("n1", gpus: 4).Team("a", nominalGpus: 4)
            .Running(1, "a", "n1", [0], endsAt: null)
            .Running(3, "a", "n1", [1], endsAt: Time.InHours(1))
            .Pending(2, "a", gpus: 4)
            .Build();

        WalltimeExtension.Decide(snapshot, Jobs.Id(2), Hour, Time.Now).Refusal!.Reason.Should().Be("job 2 is not running; only a running job's time can be extended");
        WalltimeExtension.Decide(snapshot, Jobs.Id(9), Hour, Time.Now).Refusal!.Kind.Should().Be(ExtensionRefusalKind.NotRunning);
        WalltimeExtension.Decide(snapshot, Jobs.Id(1), Hour, Time.Now).Refusal!.Reason.Should().Be("job 1 has no walltime: it already runs until it ends");
        WalltimeExtension.Decide(snapshot, Jobs.Id(3), Hour, Time.InHours(1)).Refusal!.Reason.Should().Be("job 3 has reached its walltime and is stopping");
    }

    [Fact]
    public void A_team_above_its_quota_now_cannot_extend()
    {
        var snapshot = Cluster().Node("n1", gpus: 4).Team("a", nominalGpus: 1).Running(1, "a", "n1", [0, 1], endsAt: Time.InHours(1)).Build();

        var (_, refusal) = WalltimeExtension.Decide(snapshot, Jobs.Id(1), Hour, Time.Now);

        refusal!.Kind.Should().Be(ExtensionRefusalKind.OverQuota);
        refusal.Reason.Should().StartWith("team a holds");
    }
}
