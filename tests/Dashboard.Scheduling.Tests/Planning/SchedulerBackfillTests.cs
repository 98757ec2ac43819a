using Dashboard.Scheduling.Model;
using Dashboard.Scheduling.Planning;
using Dashboard.Scheduling.Tests.Builders;
using static Dashboard.Scheduling.Tests.Builders.ClusterBuilder;

namespace Dashboard.Scheduling.Tests.Planning;

/// <summary>
/// Step 5 (EASY backfill): a blocked job gets a reservation at the earliest time a Ready node has room for it,
/// and lower jobs start now only when they cannot delay any reservation.
/// </summary>
public sealed class SchedulerBackfillTests
{
    private static readonly TimeSpan OneHour = TimeSpan.FromHours(1);

    /// <summary>n1 has 4 GPUs, 2 of them busy for two more hours; job 2 (high priority) needs all 4.</summary>
    private static ClusterBuilder BigJobWaitsTwoHours() => Cluster()
        .Node("n1", gpus: 4)
        .Team("a", nominalGpus: 16)
        .Running(1, "a", "n1", [0, 1], endsAt: Time.InHours(2))
        .Pending(2, "a", gpus: 4, walltime: OneHour, priority: 10);

    [Fact]
    public void A_blocked_job_reserves_the_earliest_time_a_node_has_room()
    {
        var plan = BigJobWaitsTwoHours().Plan();

        var waiting = plan.ExplanationOf(2);
        waiting.Reservation.Should().Be(new BackfillReservation(Jobs.Id(2), "n1", Time.InHours(2), new ResourceAmount(4, 1000, 1024), Team: "a"));
        waiting.EstimatedStart.Should().Be(Time.InHours(2));
        waiting.Reason.Cause.Should().Be(PendingCause.WaitingForCapacity);
    }

    [Fact]
    public void A_short_job_that_ends_before_the_reservation_is_backfilled()
    {
        var plan = BigJobWaitsTwoHours().Pending(3, "a", gpus: 2, walltime: OneHour).Plan();

        plan.StartedIds().Should().Equal(3);
        plan.StartOf(3).Allocation.GpuIndices.Should().Equal(2, 3);
    }

    [Fact]
    public void A_job_that_ends_exactly_when_the_reservation_starts_is_backfilled()
    {
        var plan = BigJobWaitsTwoHours().Pending(3, "a", gpus: 2, walltime: TimeSpan.FromHours(2)).Plan();

        plan.StartedIds().Should().Equal(3);
    }

    [Fact]
    public void A_job_that_would_run_past_the_reservation_is_held_for_it()
    {
        var plan = BigJobWaitsTwoHours().Pending(3, "a", gpus: 2, walltime: TimeSpan.FromHours(3)).Plan();

        plan.Starts.Should().BeEmpty();
        var reason = plan.ExplanationOf(3).Reason;
        reason.Cause.Should().Be(PendingCause.HeldForReservation);
        reason.BlockingJob.Should().Be(Jobs.Id(2));
        reason.Describe().Should().Be("needs 2 GPUs on one node; the capacity free now is held for job 2, which starts first; 1 job ahead");
    }

    [Fact]
    public void A_job_without_walltime_is_held_when_it_would_take_reserved_capacity()
    {
        var plan = BigJobWaitsTwoHours().Pending(3, "a", gpus: 1).Plan();

        plan.Starts.Should().BeEmpty();
        plan.ExplanationOf(3).Reason.Cause.Should().Be(PendingCause.HeldForReservation);
    }

    [Fact]
    public void A_long_job_that_leaves_room_for_the_reservation_starts()
    {
        var plan = Cluster()
            .Node("n1", gpus: 8)
            .Team("a", nominalGpus: 16)
            .Running(1, "a", "n1", [0, 1, 2, 3, 4, 5], endsAt: Time.InHours(2))
            .Pending(2, "a", gpus: 4, priority: 10)
            .Pending(3, "a", gpus: 2)
            .Plan();

        plan.ExplanationOf(2).Reservation!.Start.Should().Be(Time.InHours(2));
        plan.StartedIds().Should().Equal(3);
    }

    [Fact]
    public void A_long_job_may_start_on_a_node_without_reservations()
    {
        var plan = BigJobWaitsTwoHours()
            .Node("n2", gpus: 4)
            .Running(5, "a", "n2", [0, 1])
            .Pending(3, "a", gpus: 2)
            .Plan();

        plan.ExplanationOf(2).Reservation!.Node.Should().Be("n1");
        plan.StartOf(3).Allocation.Node.Should().Be("n2");
    }

    [Fact]
    public void CPU_needed_by_the_reservation_is_held_too()
    {
        var plan = Cluster()
            .Node("n1", gpus: 8, cpuCores: 64)
            .Team("a", nominalGpus: 16)
            .Running(1, "a", "n1", [0, 1, 2, 3], cpuCores: 8, endsAt: Time.InHours(2))
            .Pending(2, "a", gpus: 8, cpuCores: 60, priority: 10)
            .Pending(3, "a", gpus: 0, cpuCores: 8)
            .Pending(4, "a", gpus: 0, cpuCores: 4)
            .Plan();

        plan.StartedIds().Should().Equal(4);
        plan.ExplanationOf(3).Reason.Cause.Should().Be(PendingCause.HeldForReservation);
    }

    [Fact]
    public void The_reservation_goes_to_the_node_that_frees_up_first()
    {
        var plan = Cluster()
            .Node("n1", gpus: 4)
            .Node("n2", gpus: 4)
            .Team("a", nominalGpus: 16)
            .Running(1, "a", "n1", [0, 1, 2, 3], endsAt: Time.InHours(3))
            .Running(2, "a", "n2", [0, 1, 2, 3], endsAt: Time.InHours(1))
            .Pending(3, "a", gpus: 4)
            .Plan();

        plan.ExplanationOf(3).Reservation.Should().Be(new BackfillReservation(Jobs.Id(3), "n2", Time.InHours(1), new ResourceAmount(4, 1000, 1024), Team: "a"));
    }

    [Fact]
    public void Nodes_that_free_up_at_the_same_time_are_chosen_by_name()
    {
        var plan = Cluster()
            .Node("n2", gpus: 4)
            .Node("n1", gpus: 4)
            .Team("a", nominalGpus: 16)
            .Running(1, "a", "n2", [0, 1, 2, 3], endsAt: Time.InHours(1))
            .Running(2, "a", "n1", [0, 1, 2, 3], endsAt: Time.InHours(1))
            .Pending(3, "a", gpus: 4)
            .Plan();

        plan.ExplanationOf(3).Reservation!.Node.Should().Be("n1");
    }

    [Fact]
    public void A_reservation_needs_several_jobs_to_end_when_one_is_not_enough()
    {
        var plan = Cluster()
            .Node("n1", gpus: 8)
            .Team("a", nominalGpus: 16)
            .Running(1, "a", "n1", [0, 1, 2], endsAt: Time.InHours(1))
            .Running(2, "a", "n1", [3, 4, 5], endsAt: Time.InHours(4))
            .Running(3, "a", "n1", [6, 7], endsAt: Time.InHours(2))
            .Pending(4, "a", gpus: 5)
            .Plan();

        plan.ExplanationOf(4).Reservation!.Start.Should().Be(Time.InHours(2));
    }

    [Fact]
    public void Draining_nodes_get_no_reservations()
    {
        var plan = Cluster()
            .Node("n1", gpus: 4, state: NodeState.Draining)
            .Node("n2", gpus: 4)
            .Team("a", nominalGpus: 16)
            .Running(1, "a", "n1", [0, 1, 2, 3], endsAt: Time.InHours(1))
            .Running(2, "a", "n2", [0, 1, 2, 3], endsAt: Time.InHours(5))
            .Pending(3, "a", gpus: 4)
            .Plan();

        plan.ExplanationOf(3).Reservation!.Node.Should().Be("n2");
    }

    [Fact]
    public void Without_known_end_times_there_is_no_reservation_and_no_estimate()
    {
        var plan = Cluster()
            .Node("n1", gpus: 4)
            .Team("a", nominalGpus: 16)
            .Running(1, "a", "n1", [0, 1])
            .Pending(2, "a", gpus: 4, priority: 10)
            .Pending(3, "a", gpus: 2)
            .Plan();

        plan.ExplanationOf(2).Reservation.Should().BeNull();
        plan.ExplanationOf(2).EstimatedStart.Should().BeNull();
        plan.StartedIds().Should().Equal(3);
    }

    [Fact]
    public void An_earlier_reservation_holds_its_capacity_from_its_start_onward()
    {
        var plan = Cluster()
            .Node("n1", gpus: 4)
            .Node("n2", gpus: 4)
            .Team("a", nominalGpus: 16)
            .Running(1, "a", "n1", [0, 1, 2, 3], endsAt: Time.InHours(1))
            .Running(2, "a", "n2", [0, 1, 2, 3], endsAt: Time.InHours(5))
            .Pending(3, "a", gpus: 4, walltime: OneHour, priority: 10)
            .Pending(4, "a", gpus: 4, walltime: OneHour, priority: 5)
            .Plan();

        plan.ExplanationOf(3).Reservation.Should().BeEquivalentTo(new { Node = "n1", Start = Time.InHours(1) });
        plan.ExplanationOf(4).Reservation.Should().BeEquivalentTo(new { Node = "n2", Start = Time.InHours(5) });
    }

    [Fact]
    public void Two_reservations_share_a_node_when_it_has_room_for_both()
    {
        var plan = Cluster()
            .Node("n1", gpus: 8)
            .Team("a", nominalGpus: 16)
            .Running(1, "a", "n1", [0, 1, 2, 3, 4, 5, 6, 7], endsAt: Time.InHours(1))
            .Pending(2, "a", gpus: 4, priority: 10)
            .Pending(3, "a", gpus: 4, priority: 5)
            .Plan();

        plan.Pending.Select(p => (p.Job.Value, p.Reservation!.Node, p.Reservation.Start))
            .Should().Equal((2L, "n1", Time.InHours(1)), (3L, "n1", Time.InHours(1)));
    }

    [Fact]
    public void With_backfill_depth_zero_every_job_that_fits_starts()
    {
        var plan = BigJobWaitsTwoHours().Pending(3, "a", gpus: 2).Greedy().Plan();

        plan.StartedIds().Should().Equal(3);
        plan.ExplanationOf(2).Reservation.Should().BeNull();
    }

    [Fact]
    public void Only_as_many_jobs_as_the_backfill_depth_get_reservations()
    {
        var plan = Cluster()
            .Node("n1", gpus: 4)
            .Node("n2", gpus: 4)
            .Node("n3", gpus: 4)
            .Team("a", nominalGpus: 16)
            .Running(1, "a", "n1", [0, 1, 2, 3], endsAt: Time.InHours(1))
            .Running(2, "a", "n2", [0, 1, 2, 3], endsAt: Time.InHours(2))
            .Running(3, "a", "n3", [0, 1, 2, 3], endsAt: Time.InHours(3))
            .Pending(4, "a", gpus: 4, priority: 10)
            .Pending(5, "a", gpus: 4, priority: 5)
            .Pending(6, "a", gpus: 4, priority: 1)
            .Settings(backfillDepth: 2)
            .Plan();

        plan.Pending.Select(p => p.Reservation?.Node).Should().Equal("n1", "n2", null);
    }

    [Fact]
    public void A_backfilled_job_does_not_take_the_quota_a_reserved_job_of_its_team_needs()
    {
        // Team a may hold 4 GPUs. Job 10 (4 GPUs) is within quota but n1 is busy for an hour: it reserves n1.
        // Job 11 (2 GPUs, no walltime) fits on n2 now; starting it leaves team a 2 GPUs short in an hour, for good.
        var snapshot = Cluster()
            .Node("n1", gpus: 4)
            .Node("n2", gpus: 2)
            .Team("a", nominalGpus: 4)
            .Team("b", nominalGpus: 4)
            .Running(1, "b", "n1", [0, 1, 2, 3], endsAt: Time.InHours(1))
            .Pending(10, "a", gpus: 4, priority: 10)
            .Pending(11, "a", gpus: 2)
            .Build();

        var plan = snapshot.Plan();
        plan.ExplanationOf(10).Reservation!.Start.Should().Be(Time.InHours(1));

        var inAnHour = ClusterTransitions.Release(ClusterTransitions.ApplyPlan(snapshot, plan), Jobs.Id(1), Time.InHours(1));
        Scheduler.Plan(inAnHour, Time.InHours(1)).StartedIds().Should().Contain(10, "job 10 was promised n1 in an hour");
    }

    [Fact]
    public void A_backfilled_job_on_a_mixed_node_does_not_take_the_reserved_model()
    {
        // mix: A100 at 0-3, H100 at 4-7. Job 1 holds A100 3 for good; job 2 holds H100 6-7 for an hour.
        // Job 10 needs all four H100s: reserved in an hour. Job 11 wants any 2 GPUs for good: three A100s are free,
        // so it may start, but on A100s; taking H100 4-5 (the shortest free run) would delay job 10 forever.
        var plan = Cluster()
            .MixedNode("mix", ["A100", "A100", "A100", "A100", "H100", "H100", "H100", "H100"])
            .Team("a", nominalGpus: 16)
            .Running(1, "a", "mix", [3])
            .Running(2, "a", "mix", [6, 7], endsAt: Time.InHours(1))
            .Pending(10, "a", gpus: 4, model: "H100", priority: 10)
            .Pending(11, "a", gpus: 2)
            .Plan();

        plan.ExplanationOf(10).Reservation!.Start.Should().Be(Time.InHours(1));
        var backfilled = plan.Starts.Where(s => s.Job.Id == Jobs.Id(11)).SelectMany(s => s.Allocation.GpuIndices);
        backfilled.Should().NotIntersectWith([4, 5, 6, 7], "the H100s are reserved for job 10 from the hour on");
    }
}
