using Dashboard.Scheduling.Model;
using Dashboard.Scheduling.Planning;
using Dashboard.Scheduling.Tests.Builders;
using static Dashboard.Scheduling.Tests.Builders.ClusterBuilder;

namespace Dashboard.Scheduling.Tests.Planning;

/// <summary>Step 7: a team within its nominal quota takes back capacity other teams borrowed.</summary>
public sealed class SchedulerPreemptionTests
{
    /// <summary>Team b borrowed all of n1 with two 4-GPU jobs: 1 (older) and 2 (newer). Team a owns 8 GPUs of nominal quota.</summary>
    private static ClusterBuilder TeamBBorrowedEverything() => Cluster().ReclaimAnything()
        .Node("n1", gpus: 8)
        .Team("a", nominalGpus: 8)
        .Team("b", nominalGpus: 0, borrowGpus: 8)
        .Running(1, "b", "n1", [0, 1, 2, 3], startedAt: Time.Epoch, borrowing: true)
        .Running(2, "b", "n1", [4, 5, 6, 7], startedAt: Time.Epoch.AddMinutes(10), borrowing: true);

    [Fact]
    public void The_newest_borrowing_job_is_preempted_for_a_job_within_nominal_quota()
    {
        var plan = TeamBBorrowedEverything().Pending(10, "a", gpus: 4).Plan();

        plan.Preemptions.Select(p => (p.Victim.Value, p.Beneficiary.Value)).Should().Equal((2L, 10L));
        plan.Preemptions[0].Reason.Should().Contain("job 10").And.Contain("job 2");
        plan.Starts.Should().BeEmpty();
        var waiting = plan.ExplanationOf(10);
        waiting.Reason.Cause.Should().Be(PendingCause.WaitingForReclaim);
        waiting.Reason.Describe().Should().Be("needs 4 GPUs on one node; borrowed capacity is being taken back (preempted) for it");
    }

    [Fact]
    public void As_many_borrowing_jobs_as_needed_are_preempted_newest_first()
    {
        var plan = TeamBBorrowedEverything().Pending(10, "a", gpus: 8).Plan();

        plan.Preemptions.Select(p => p.Victim.Value).Should().Equal(2, 1);
        plan.Preemptions.Should().OnlyContain(p => p.Beneficiary == Jobs.Id(10));
    }

    [Fact]
    public void Free_GPUs_count_so_only_the_shortfall_is_preempted()
    {
        var plan = Cluster().ReclaimAnything()
            .Node("n1", gpus: 8)
            .Team("a", nominalGpus: 8)
            .Team("b", nominalGpus: 0, borrowGpus: 8)
            .Running(1, "b", "n1", [0, 1], startedAt: Time.Epoch.AddMinutes(3), borrowing: true)
            .Running(2, "b", "n1", [2, 3], startedAt: Time.Epoch.AddMinutes(2), borrowing: true)
            .Running(3, "b", "n1", [4, 5], startedAt: Time.Epoch.AddMinutes(1), borrowing: true)
            .Pending(10, "a", gpus: 4)
            .Plan();

        plan.Preemptions.Select(p => p.Victim.Value).Should().Equal(1);
    }

    [Fact]
    public void Jobs_that_started_together_are_preempted_highest_id_first()
    {
        var plan = Cluster().ReclaimAnything()
            .Node("n1", gpus: 8)
            .Team("a", nominalGpus: 8)
            .Team("b", nominalGpus: 0, borrowGpus: 8)
            .Running(5, "b", "n1", [0, 1, 2, 3], startedAt: Time.Epoch, borrowing: true)
            .Running(6, "b", "n1", [4, 5, 6, 7], startedAt: Time.Epoch, borrowing: true)
            .Pending(10, "a", gpus: 2)
            .Plan();

        plan.Preemptions.Select(p => p.Victim.Value).Should().Equal(6);
    }

    [Fact]
    public void The_node_that_needs_the_fewest_victims_is_chosen()
    {
        var plan = Cluster().ReclaimAnything()
            .Node("n1", gpus: 4)
            .Node("n2", gpus: 4)
            .Team("a", nominalGpus: 8)
            .Team("b", nominalGpus: 0, borrowGpus: 8)
            .Running(1, "b", "n1", [0], startedAt: Time.Epoch, borrowing: true)
            .Running(2, "b", "n1", [1], startedAt: Time.Epoch, borrowing: true)
            .Running(3, "b", "n1", [2], startedAt: Time.Epoch, borrowing: true)
            .Running(4, "b", "n1", [3], startedAt: Time.Epoch, borrowing: true)
            .Running(5, "b", "n2", [0, 1, 2, 3], startedAt: Time.Epoch, borrowing: true)
            .Pending(10, "a", gpus: 4)
            .Plan();

        plan.Preemptions.Select(p => p.Victim.Value).Should().Equal(5);
    }

    [Fact]
    public void Nodes_needing_as_many_victims_are_chosen_by_name()
    {
        var plan = Cluster().ReclaimAnything()
            .Node("n2", gpus: 4)
            .Node("n1", gpus: 4)
            .Team("a", nominalGpus: 8)
            .Team("b", nominalGpus: 0, borrowGpus: 8)
            .Running(1, "b", "n2", [0, 1, 2, 3], startedAt: Time.Epoch, borrowing: true)
            .Running(2, "b", "n1", [0, 1, 2, 3], startedAt: Time.Epoch, borrowing: true)
            .Pending(10, "a", gpus: 4)
            .Plan();

        plan.Preemptions.Select(p => p.Victim.Value).Should().Equal(2);
    }

    [Fact]
    public void A_borrowing_job_of_the_same_team_is_never_preempted_for_it()
    {
        var plan = Cluster().ReclaimAnything()
            .Node("n1", gpus: 4)
            .Team("a", nominalGpus: 8)
            .Running(1, "a", "n1", [0, 1, 2, 3], borrowing: true)
            .Pending(10, "a", gpus: 4)
            .Plan();

        plan.Preemptions.Should().BeEmpty();
        plan.ExplanationOf(10).Reason.Cause.Should().Be(PendingCause.WaitingForCapacity);
    }

    [Fact]
    public void A_job_within_its_own_team_s_nominal_quota_is_never_preempted()
    {
        var plan = Cluster().ReclaimAnything()
            .Node("n1", gpus: 4)
            .Team("a", nominalGpus: 8)
            .Team("b", nominalGpus: 4)
            .Running(1, "b", "n1", [0, 1, 2, 3])
            .Pending(10, "a", gpus: 4)
            .Plan();

        plan.Preemptions.Should().BeEmpty();
    }

    [Fact]
    public void A_job_that_would_itself_borrow_preempts_nothing()
    {
        var plan = Cluster().ReclaimAnything()
            .Node("n1", gpus: 4)
            .Team("a", nominalGpus: 2, borrowGpus: 4)
            .Team("b", nominalGpus: 0, borrowGpus: 8)
            .Running(1, "b", "n1", [0, 1, 2, 3], borrowing: true)
            .Pending(10, "a", gpus: 4)
            .Plan();

        plan.Preemptions.Should().BeEmpty();
        plan.ExplanationOf(10).Reason.Cause.Should().Be(PendingCause.WaitingForCapacity);
    }

    [Theory]
    [InlineData(NodeState.Draining)]
    [InlineData(NodeState.Down)]
    public void Borrowed_capacity_on_a_node_that_is_not_Ready_is_not_reclaimed(NodeState state)
    {
        var plan = Cluster().ReclaimAnything()
            .Node("n1", gpus: 4, state: state)
            .Team("a", nominalGpus: 8)
            .Team("b", nominalGpus: 0, borrowGpus: 8)
            .Running(1, "b", "n1", [0, 1, 2, 3], borrowing: true)
            .Pending(10, "a", gpus: 4)
            .Plan();

        plan.Preemptions.Should().BeEmpty();
    }

    [Fact]
    public void A_victim_is_named_once_per_plan()
    {
        var plan = Cluster().ReclaimAnything()
            .Node("n1", gpus: 4)
            .Team("a", nominalGpus: 8)
            .Team("b", nominalGpus: 0, borrowGpus: 8)
            .Running(1, "b", "n1", [0, 1, 2, 3], borrowing: true)
            .Pending(10, "a", gpus: 4)
            .Pending(11, "a", gpus: 4)
            .Plan();

        plan.Preemptions.Select(p => (p.Victim.Value, p.Beneficiary.Value)).Should().Equal((1L, 10L));
        plan.ExplanationOf(11).Reason.Cause.Should().NotBe(PendingCause.WaitingForReclaim);
    }

    [Fact]
    public void Once_the_victim_is_requeued_the_beneficiary_starts_on_the_reclaimed_GPUs()
    {
        var snapshot = TeamBBorrowedEverything().Pending(10, "a", gpus: 4).Build();
        var plan = snapshot.Plan();

        snapshot = ClusterTransitions.ApplyPlan(snapshot, plan);
        snapshot.Running.Select(r => r.Job.Id.Value).Should().Contain(2, "the engine stops victims; applying a plan does not");
        foreach (var preemption in plan.Preemptions)
        {
            snapshot = ClusterTransitions.Requeue(snapshot, preemption.Victim, Time.Now);
        }

        var next = Scheduler.Plan(snapshot, Time.Now);

        next.StartOf(10).Allocation.GpuIndices.Should().Equal(4, 5, 6, 7);
        next.StartOf(10).Borrowing.Should().BeFalse();
        next.Preemptions.Should().BeEmpty();
        next.ExplanationOf(2).Reason.Cause.Should().Be(PendingCause.WaitingForCapacity);
    }
}
