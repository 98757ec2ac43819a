using Dashboard.Scheduling.Model;
using Dashboard.Scheduling.Planning;
using Dashboard.Scheduling.Reservations;
using Dashboard.Scheduling.Tests.Builders;
using static Dashboard.Scheduling.Tests.Builders.ClusterBuilder;

namespace Dashboard.Scheduling.Tests.Planning;

/// <summary>When the cheap pass may stand in for the full one (<see cref="CheapPass.DecidesNothing"/>), and when it must not.</summary>
public sealed class CheapPassTests
{
    /// <summary>n1 and n2 (4 GPUs each) are full with team a's jobs (its quota has room), none borrowing; job 10 already waits.</summary>
    private static ClusterBuilder FullCluster() => Cluster().ReclaimAnything()
        .Node("n1", gpus: 4)
        .Node("n2", gpus: 4)
        .Team("a", nominalGpus: 16)
        .Team("b", nominalGpus: 0, borrowGpus: 8)
        .Running(1, "a", "n1", [0, 1, 2, 3], endsAt: Time.InHours(1))
        .Running(2, "a", "n2", [0, 1, 2, 3], endsAt: Time.InHours(2))
        .Pending(10, "a", gpus: 2, walltime: TimeSpan.FromHours(1));

    [Fact]
    public void New_GPU_jobs_on_a_full_cluster_without_borrowers_take_the_cheap_pass_and_the_full_pass_decides_nothing()
    {
        var snapshot = FullCluster().Pending(11, "a", gpus: 1).Pending(12, "b", gpus: 4).Build();

        CheapPass.DecidesNothing(snapshot).Should().BeTrue();
        var full = snapshot.Plan();
        full.Starts.Should().BeEmpty();
        full.Refusals.Should().BeEmpty();
        full.Preemptions.Should().BeEmpty();
    }

    [Fact]
    public void The_fullness_kept_for_a_stream_of_submits_follows_a_released_job_and_a_node_change()
    {
        // Submits keep the node and running arrays (the kept answer is reused); a release or a node change makes new
        // arrays, and the answer is computed again for them, in either order.
        var full = FullCluster().Build();
        var moreWaiting = ClusterTransitions.Submit(full, Jobs.Job(11, gpus: 1));
        var released = ClusterTransitions.Release(moreWaiting, Jobs.Id(1), Time.Now);
        var drained = ClusterTransitions.SetNodeState(released, "n1", NodeState.Down);

        (moreWaiting.Nodes == full.Nodes && moreWaiting.Running == full.Running).Should().BeTrue();
        CheapPass.DecidesNothing(full).Should().BeTrue();
        CheapPass.DecidesNothing(moreWaiting).Should().BeTrue();
        CheapPass.DecidesNothing(released).Should().BeFalse("job 1 left n1's 4 GPUs free");
        CheapPass.DecidesNothing(moreWaiting).Should().BeTrue();
        CheapPass.DecidesNothing(drained).Should().BeTrue("the only free GPUs are on a node that is down");
        CheapPass.DecidesNothing(released).Should().BeFalse();
    }

    [Fact]
    public void A_new_job_that_fits_free_room_takes_the_full_pass()
    {
        var snapshot = Cluster()
            .Node("n1", gpus: 4)
            .Team("a", nominalGpus: 8)
            .Running(1, "a", "n1", [0, 1, 2], endsAt: Time.InHours(1))
            .Pending(11, "a", gpus: 1)
            .Build();

        CheapPass.DecidesNothing(snapshot).Should().BeFalse();
        snapshot.Plan().StartedIds().Should().Equal(11);
    }

    [Fact]
    public void Free_room_too_small_for_every_waiting_job_still_takes_the_full_pass()
    {
        // One GPU is free: the check does not look for a job that fits it, any free GPU is enough to plan in full.
        var snapshot = Cluster()
            .Node("n1", gpus: 4)
            .Team("a", nominalGpus: 8)
            .Running(1, "a", "n1", [0, 1, 2], endsAt: Time.InHours(1))
            .Pending(11, "a", gpus: 2)
            .Build();

        CheapPass.DecidesNothing(snapshot).Should().BeFalse();
    }

    [Fact]
    public void A_new_job_whose_team_is_under_its_nominal_share_while_borrowers_run_takes_the_full_pass()
    {
        var snapshot = Cluster().ReclaimAnything()
            .Node("n1", gpus: 4)
            .Team("a", nominalGpus: 4)
            .Team("b", nominalGpus: 0, borrowGpus: 4)
            .Running(1, "b", "n1", [0, 1, 2, 3], borrowing: true)
            .Pending(11, "a", gpus: 2)
            .Build();

        CheapPass.DecidesNothing(snapshot).Should().BeFalse();
        snapshot.Plan().Preemptions.Select(p => p.Victim.Value).Should().Equal(1);
    }

    [Fact]
    public void Any_borrower_running_takes_the_full_pass_even_if_it_is_protected_now()
    {
        // Protection ends with time (a minimum run): the check does not depend on the clock, so it refuses any borrower.
        var snapshot = Cluster().Settings(minRunBeforePreemption: TimeSpan.FromDays(1), maxPreemptionLoss: TimeSpan.MaxValue)
            .Node("n1", gpus: 4)
            .Team("a", nominalGpus: 4)
            .Team("b", nominalGpus: 0, borrowGpus: 4)
            .Running(1, "b", "n1", [0, 1, 2, 3], startedAt: Time.Now, borrowing: true)
            .Pending(11, "a", gpus: 2)
            .Build();

        snapshot.Plan().Preemptions.Should().BeEmpty("job 1 is protected now");
        CheapPass.DecidesNothing(snapshot).Should().BeFalse();
        Scheduler.Plan(snapshot, Time.InHours(25)).Preemptions.Select(p => p.Victim.Value).Should().Equal(1);
    }

    [Fact]
    public void A_new_CPU_only_job_takes_the_full_pass()
    {
        var snapshot = FullCluster().Pending(11, "a", gpus: 0).Build();

        CheapPass.DecidesNothing(snapshot).Should().BeFalse();
        snapshot.Plan().StartedIds().Should().Equal(11);
    }

    [Fact]
    public void A_waiting_job_that_can_never_fit_takes_the_full_pass()
    {
        // Team a's ceiling went down to 1 GPU after job 10 (2 GPUs) was submitted: the full pass refuses it.
        var snapshot = FullCluster().Build();
        snapshot = ClusterTransitions.SetQuota(snapshot, snapshot.Quotas.Single(q => q.Team == "a") with { Nominal = new ResourceAmount(1, Cpu(GenerousCpuCores), GenerousMemoryGiB * Units.MiBPerGiB) });

        CheapPass.DecidesNothing(snapshot).Should().BeFalse();
        snapshot.Plan().Refusals.Select(r => r.Job.Value).Should().Equal(10);
    }

    [Fact]
    public void Advance_reservations_take_the_full_pass()
    {
        var snapshot = FullCluster().Build() with
        {
            Reservations = [new AdvanceReservation(1, "booking", "a deadline", "a", "H100", 2, 2_000, 8 * Units.MiBPerGiB, Time.InHours(3), Time.InHours(5), State: ReservationState.Approved, BookedBy: "lead")],
        };

        CheapPass.DecidesNothing(snapshot).Should().BeFalse();
    }

    [Fact]
    public void A_higher_priority_new_job_takes_the_reservation_in_the_cheap_pass_exactly_as_in_the_full_pass()
    {
        // With a backfill depth of 1, job 10 held the only reservation; urgent job 11 now comes first and takes it.
        var snapshot = FullCluster().Settings(backfillDepth: 1).Pending(11, "a", gpus: 2, priority: 10, submittedAt: Time.Now).Build();

        CheapPass.DecidesNothing(snapshot).Should().BeTrue();
        var full = snapshot.Plan();
        var cheap = new SchedulePlan([], [], [], CheapPass.PendingOf(snapshot, Time.Now));
        PlanText.Lines(cheap).Should().Equal(PlanText.Lines(full));
        cheap.ExplanationOf(11).Reservation.Should().NotBeNull(PlanText.Of(full));
        cheap.ExplanationOf(10).Reservation.Should().BeNull();
        cheap.Pending.Find(Jobs.Id(11)).Should().NotBeNull();
        cheap.Pending.Find(Jobs.Id(99)).Should().BeNull();
    }
}
