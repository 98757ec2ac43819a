using Dashboard.Scheduling.Model;
using Dashboard.Scheduling.Planning;
using Dashboard.Scheduling.Reservations;
using Dashboard.Scheduling.Tests.Builders;
using static Dashboard.Scheduling.Tests.Builders.ClusterBuilder;
using static Dashboard.Scheduling.Tests.Reservations.Bookings;

namespace Dashboard.Scheduling.Tests.Reservations;

/// <summary>The scheduler honours an advance reservation of team a: 8 GPUs on n1, from hour 2 to hour 6.</summary>
public sealed class ReservationSchedulingTests
{
    private static ClusterBuilder TwoNodes() =>
        Cluster().Node("n1", gpus: 8).Node("n2", gpus: 8).Team("a", nominalGpus: 16).Team("b", nominalGpus: 16);

    [Fact]
    public void Before_the_window_an_outside_job_starts_on_the_reserved_gpus_only_if_its_walltime_ends_before_it_opens()
    {
        var snapshot = Cluster().Node("n1", gpus: 8).Team("a", nominalGpus: 8).Team("b", nominalGpus: 8)
            .Pending(1, "b", gpus: 4, walltime: TimeSpan.FromHours(1))
            .Pending(2, "b", gpus: 4, walltime: TimeSpan.FromHours(3))
            .Pending(3, "b", gpus: 2)
            .Build().With(Reservation(5, gpus: 8));

        var plan = Scheduler.Plan(snapshot, Time.Now);

        plan.StartedIds().Should().Equal(1);
        plan.ExplanationOf(2).Reason.Describe().Should().StartWith("needs 4 GPUs on one node; the capacity free now is kept for advance reservation 5");
        plan.ExplanationOf(3).Reason.Cause.Should().Be(PendingCause.HeldForReservation);
    }

    [Fact]
    public void Outside_jobs_use_the_gpus_the_reservation_does_not_need()
    {
        var snapshot = TwoNodes().Pending(1, "b", gpus: 8).Pending(2, "b", gpus: 8).Build().With(Reservation(5, gpus: 8));

        var plan = Scheduler.Plan(snapshot, Time.Now);

        plan.StartedIds().Should().Equal(1);
        plan.StartOf(1).Allocation.Node.Should().Be("n2");
    }

    [Fact]
    public void A_job_submitted_into_the_reservation_waits_for_its_window_and_then_runs_on_its_gpus()
    {
        var snapshot = ClusterTransitions.Submit(Cluster().Node("n1", gpus: 8).Team("a", nominalGpus: 8).Build(), Member(1, reservation: 5, gpus: 8))
            .With(Reservation(5, gpus: 8));

        var before = Scheduler.Plan(snapshot, Time.Now);
        var during = Scheduler.Plan(snapshot, Time.InHours(2));

        before.Starts.Should().BeEmpty();
        before.ExplanationOf(1).Reason.Describe().Should().Be("waits for reservation 5 \"paper deadline\" (team a, 8 H100 GPUs), whose window opens at 2025-03-03 11:00 UTC");
        during.StartOf(1).Allocation.Node.Should().Be("n1");
    }

    [Fact]
    public void During_the_window_only_the_reservations_jobs_use_its_gpus()
    {
        var snapshot = ClusterTransitions.Submit(TwoNodes().Pending(1, "a", gpus: 8).Pending(2, "b", gpus: 8).Pending(3, "b", gpus: 4, walltime: TimeSpan.FromMinutes(10)).Build(), Member(4, reservation: 5, gpus: 4))
            .With(Reservation(5, gpus: 8));

        var plan = Scheduler.Plan(snapshot, Time.InHours(3));

        plan.StartedIds().Should().BeEquivalentTo([1L, 4L]);
        plan.StartOf(1).Allocation.Node.Should().Be("n2");
        plan.StartOf(4).Allocation.Node.Should().Be("n1");
        plan.ExplanationOf(3).Reason.Cause.Should().Be(PendingCause.HeldForReservation, "4 of n1's GPUs are still the reservation's");
    }

    [Fact]
    public void An_outside_job_still_running_past_its_walltime_in_the_window_is_preempted()
    {
        var snapshot = Cluster().Node("n1", gpus: 8).Team("a", nominalGpus: 8).Team("b", nominalGpus: 8)
            .Running(10, "b", "n1", [0, 1], endsAt: Time.InHours(1.5))
            .Build().With(Reservation(5, gpus: 8));

        var before = Scheduler.Plan(snapshot, Time.InHours(1.9));
        var during = Scheduler.Plan(snapshot, Time.InHours(2));

        before.Preemptions.Should().BeEmpty();
        var preemption = during.Preemptions.Should().ContainSingle().Subject;
        preemption.Victim.Value.Should().Be(10);
        preemption.Reason.Should().Be("reservation 5 \"paper deadline\" (team a, 8 H100 GPUs) keeps GPUs on n1 during 2025-03-03 11:00-2025-03-03 15:00 UTC; job 10 (team b) is outside it and its walltime ended at 2025-03-03 10:30 UTC");
    }

    [Fact]
    public void Lent_gpus_run_outside_jobs_until_a_job_of_the_reservation_waits()
    {
        var lending = Cluster().Node("n1", gpus: 8).Team("a", nominalGpus: 8).Team("b", nominalGpus: 8).Pending(1, "b", gpus: 8).Build()
            .With(Reservation(5, gpus: 8));
        lending = lending with { Settings = lending.Settings with { LendReservedGpus = true } };

        var lent = Scheduler.Plan(lending, Time.InHours(3));
        var running = ClusterTransitions.ApplyPlan(lending, lent);
        var reclaimed = Scheduler.Plan(ClusterTransitions.Submit(running, Member(2, reservation: 5, gpus: 2, submittedAt: Time.InHours(3))), Time.InHours(3));

        lent.StartedIds().Should().Equal(1);
        reclaimed.Preemptions.Select(p => (p.Victim.Value, p.Beneficiary.Value)).Should().Equal((1L, 2L));
        reclaimed.Preemptions.Single().Reason.Should().EndWith("it ran on reserved GPUs lent while no job of the reservation waited");
    }

    [Fact]
    public void Jobs_submitted_into_a_cancelled_ended_or_other_teams_reservation_are_refused_and_pending_ones_wait_for_approval()
    {
        var snapshot = Cluster().Node("n1", gpus: 8).Team("a", nominalGpus: 8).Team("b", nominalGpus: 8).Build();
        snapshot = ClusterTransitions.Submit(snapshot, Member(1, reservation: 5));
        snapshot = ClusterTransitions.Submit(snapshot, Member(2, reservation: 6));
        snapshot = ClusterTransitions.Submit(snapshot, Member(3, reservation: 7, team: "b"));
        snapshot = ClusterTransitions.Submit(snapshot, Member(4, reservation: 8));
        snapshot = ClusterTransitions.Submit(snapshot, Member(5, reservation: 99));
        snapshot = snapshot.With(
            Reservation(5, gpus: 1, state: ReservationState.Cancelled),
            Reservation(6, gpus: 1, fromHours: -3, toHours: -1),
            Reservation(7, gpus: 1, fromHours: -1, toHours: 3),
            Reservation(8, gpus: 1, fromHours: -1, toHours: 3, state: ReservationState.Pending));

        var plan = Scheduler.Plan(snapshot, Time.Now);

        plan.Refusals.Select(r => (r.Job.Value, r.Reason)).Should().BeEquivalentTo(new[]
        {
            (1L, "reservation 5 \"paper deadline\" (team a, 1 H100 GPU) was cancelled"),
            (2L, "reservation 6 \"paper deadline\" (team a, 1 H100 GPU) ended at 2025-03-03 08:00 UTC"),
            (3L, "reservation 7 \"paper deadline\" (team a, 1 H100 GPU) is team a's; this job is team b's"),
            (5L, "reservation 99 does not exist"),
        });
        plan.ExplanationOf(4).Reason.Describe().Should().Be("waits for reservation 8 \"paper deadline\" (team a, 1 H100 GPU) to be approved by an admin");
    }

    [Fact]
    public void A_pending_or_cancelled_reservation_holds_nothing()
    {
        var snapshot = Cluster().Node("n1", gpus: 8).Team("b", nominalGpus: 8).Pending(1, "b", gpus: 8).Build()
            .With(Reservation(5, gpus: 8, state: ReservationState.Pending), Reservation(6, gpus: 8, state: ReservationState.Cancelled));

        Scheduler.Plan(snapshot, Time.Now).StartedIds().Should().Equal(1);
    }

    [Fact]
    public void A_plan_without_reservations_is_the_plan_as_before()
    {
        var snapshot = TwoNodes().Pending(1, "b", gpus: 8).Running(10, "a", "n1", [0, 1, 2, 3], endsAt: Time.InHours(1)).Pending(2, "a", gpus: 8, walltime: TimeSpan.FromHours(1)).Build();
        var cancelledOnly = snapshot.With(Reservation(5, state: ReservationState.Cancelled));

        PlanText.Of(Scheduler.Plan(cancelledOnly, Time.Now)).Should().Be(PlanText.Of(Scheduler.Plan(snapshot, Time.Now)));
    }
}
