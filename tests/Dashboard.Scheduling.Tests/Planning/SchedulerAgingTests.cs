using Dashboard.Scheduling.Model;
using Dashboard.Scheduling.Tests.Builders;
using static Dashboard.Scheduling.Tests.Builders.ClusterBuilder;

namespace Dashboard.Scheduling.Tests.Planning;

/// <summary>Issue 20: a waiting job's standing improves with its wait, and past the starvation bound it goes first.</summary>
public sealed class SchedulerAgingTests
{
    /// <summary>One free GPU; team a has used a lot lately (worse fair-share standing than b).</summary>
    private static ClusterBuilder OneFreeGpuTeamAHeavy(double ageWeight) => Cluster()
        .Node("n1", gpus: 1)
        .Team("a", nominalGpus: 8)
        .Team("b", nominalGpus: 8)
        .Usage("a", gpuSeconds: 1_000_000)
        .Settings(ageWeight: ageWeight);

    [Fact]
    public void A_job_that_has_waited_overtakes_a_fresh_job_of_a_team_with_a_better_standing()
    {
        var plan = OneFreeGpuTeamAHeavy(ageWeight: 1)
            .Pending(1, "a", submittedAt: Time.Now.AddHours(-3))
            .Pending(2, "b", submittedAt: Time.Now)
            .Plan();

        plan.StartedIds().Should().Equal(1);
    }

    [Fact]
    public void Without_aging_the_better_standing_goes_first_until_the_starvation_bound()
    {
        var plan = OneFreeGpuTeamAHeavy(ageWeight: 0)
            .Pending(1, "a", submittedAt: Time.Now.AddHours(-3))
            .Pending(2, "b", submittedAt: Time.Now)
            .Plan();

        plan.StartedIds().Should().Equal(2);
    }

    [Fact]
    public void Past_the_starvation_bound_the_oldest_job_goes_first_whatever_the_standing()
    {
        var plan = OneFreeGpuTeamAHeavy(ageWeight: 0)
            .Pending(1, "a", submittedAt: Time.Now - SchedulerSettings.Default.StarvationAfter)
            .Pending(2, "b", submittedAt: Time.Now)
            .Plan();

        plan.StartedIds().Should().Equal(1);
    }

    [Fact]
    public void A_starving_job_that_would_borrow_is_placed_before_a_guaranteed_job_of_another_team()
    {
        // Team a has no nominal GPUs (its job would borrow); team b's job is within its nominal quota. Either fills the node.
        ClusterBuilder Contest(DateTimeOffset borrowerSubmitted) => Cluster()
            .Node("n1", gpus: 4)
            .Team("a", nominalGpus: 0, borrowGpus: 4)
            .Team("b", nominalGpus: 4)
            .Pending(1, "a", gpus: 4, submittedAt: borrowerSubmitted)
            .Pending(2, "b", gpus: 4, submittedAt: Time.Now);

        Contest(Time.Now.AddHours(-1)).Plan().StartedIds().Should().Equal(2);
        Contest(Time.Now.AddHours(-5)).Plan().StartedIds().Should().Equal(1);
    }

    [Fact]
    public void A_starving_job_that_cannot_start_holds_the_first_reservation_and_a_fresh_long_job_does_not_take_its_node()
    {
        var plan = Cluster()
            .Node("n1", gpus: 8)
            .Team("a", nominalGpus: 8)
            .Team("b", nominalGpus: 8)
            .Usage("a", gpuSeconds: 1_000_000)
            .Running(10, "b", "n1", [0, 1, 2, 3], startedAt: Time.Now.AddHours(-1), endsAt: Time.Now.AddHours(2))
            .Pending(1, "a", gpus: 8, walltime: TimeSpan.FromHours(1), submittedAt: Time.Now.AddHours(-5))
            .Pending(2, "b", gpus: 1, walltime: TimeSpan.FromHours(10), submittedAt: Time.Now)
            .Pending(3, "b", gpus: 1, walltime: TimeSpan.FromHours(1), submittedAt: Time.Now)
            .Plan();

        plan.ExplanationOf(1).Reservation!.Start.Should().Be(Time.Now.AddHours(2));
        plan.StartedIds().Should().Equal(3);
        plan.ExplanationOf(2).Reason.Cause.Should().Be(PendingCause.HeldForReservation);
    }
}
