using Dashboard.Scheduling.Tests.Builders;
using static Dashboard.Scheduling.Tests.Builders.ClusterBuilder;

namespace Dashboard.Scheduling.Tests.Planning;

/// <summary>Issue 20: reclaim picks the victims that lose the least work, and does not thrash.</summary>
public sealed class ReclaimCostTests
{
    /// <summary>
    /// The case: to free one GPU for team a, an 8-GPU borrowing job of team b that has run 8,047 s on n1, or a
    /// 1-GPU borrowing job of team c that has run 20 minutes on n2 (whose other 7 GPUs team a holds).
    /// </summary>
    private static ClusterBuilder OneGpuToReclaim() => Cluster()
        .Node("n1", gpus: 8)
        .Node("n2", gpus: 8)
        .Team("a", nominalGpus: 8)
        .Team("b", nominalGpus: 0, borrowGpus: 8)
        .Team("c", nominalGpus: 0, borrowGpus: 8)
        .Running(1, "b", "n1", [0, 1, 2, 3, 4, 5, 6, 7], startedAt: Time.Now.AddSeconds(-8_047), borrowing: true)
        .Running(2, "c", "n2", [0], startedAt: Time.Now.AddMinutes(-20), borrowing: true)
        .Running(3, "a", "n2", [1, 2, 3, 4, 5, 6, 7], startedAt: Time.Now.AddHours(-1))
        .Pending(10, "a", gpus: 1);

    [Fact]
    public void The_small_job_that_loses_least_is_preempted_not_the_large_one()
    {
        var plan = OneGpuToReclaim().ReclaimAnything().Plan();

        plan.Preemptions.Select(p => p.Victim.Value).Should().Equal(2);
    }

    [Fact]
    public void Among_borrowers_on_one_node_the_cheapest_that_free_enough_are_taken_and_no_more()
    {
        var plan = Cluster().ReclaimAnything()
            .Node("n1", gpus: 8)
            .Team("a", nominalGpus: 8)
            .Team("b", nominalGpus: 0, borrowGpus: 8)
            .Running(1, "b", "n1", [0, 1, 2, 3], startedAt: Time.Now.AddMinutes(-50), borrowing: true)
            .Running(2, "b", "n1", [4, 5], startedAt: Time.Now.AddMinutes(-30), borrowing: true)
            .Running(3, "b", "n1", [6, 7], startedAt: Time.Now.AddMinutes(-20), borrowing: true)
            .Pending(10, "a", gpus: 4)
            .Plan();

        // Cheapest first: job 3 (40 GPU-minutes), then job 2 (60); together they free the 4 GPUs. Job 1 (200) keeps running.
        plan.Preemptions.Select(p => p.Victim.Value).Should().BeEquivalentTo([2L, 3L]);
    }

    [Fact]
    public void A_borrowing_job_is_not_preempted_before_its_minimum_run_time()
    {
        var plan = Cluster()
            .Node("n1", gpus: 1)
            .Team("a", nominalGpus: 1)
            .Team("b", nominalGpus: 0, borrowGpus: 1)
            .Running(1, "b", "n1", [0], startedAt: Time.Now.AddMinutes(-5), borrowing: true)
            .Pending(10, "a", gpus: 1)
            .Settings(minRunBeforePreemption: TimeSpan.FromMinutes(10))
            .Plan();

        plan.Preemptions.Should().BeEmpty();
        plan.WaitingIds().Should().Equal(10);
    }

    [Fact]
    public void A_borrowing_job_whose_preemption_would_lose_more_than_the_limit_keeps_running()
    {
        ClusterBuilder RanFor(TimeSpan ran) => Cluster()
            .Node("n1", gpus: 2)
            .Team("a", nominalGpus: 2)
            .Team("b", nominalGpus: 0, borrowGpus: 2)
            .Running(1, "b", "n1", [0, 1], startedAt: Time.Now - ran, borrowing: true)
            .Pending(10, "a", gpus: 2)
            .Settings(minRunBeforePreemption: TimeSpan.Zero, maxPreemptionLoss: TimeSpan.FromHours(1));

        RanFor(TimeSpan.FromMinutes(20)).Plan().Preemptions.Select(p => p.Victim.Value).Should().Equal(1);
        RanFor(TimeSpan.FromMinutes(40)).Plan().Preemptions.Should().BeEmpty();
    }

    [Fact]
    public void A_job_that_started_after_waiting_past_the_starvation_bound_is_never_preempted()
    {
        var started = Time.Now.AddMinutes(-20);
        var plan = Cluster().ReclaimAnything()
            .Node("n1", gpus: 1)
            .Team("a", nominalGpus: 1)
            .Team("b", nominalGpus: 0, borrowGpus: 1)
            .Pending(10, "a", gpus: 1)
            .Build();
        var starved = Jobs.Job(1, "b", submittedAt: started.AddHours(-5));
        var snapshot = plan with
        {
            Running = [new Dashboard.Scheduling.Model.RunningJob(starved, new Dashboard.Scheduling.Model.GpuAllocation(starved.Id, "n1", [0], Cpu(1), 1024, started, null), Borrowing: true)],
        };

        snapshot.Plan().Preemptions.Should().BeEmpty();
    }

    /// <summary>One GPU; team b's job 1 borrows it (20 minutes run), team a asks for it within its nominal quota.</summary>
    private static Dashboard.Scheduling.Model.ClusterSnapshot BorrowerThatWasPreempted(int timesPreempted, int? maxPreemptionsPerJob)
    {
        var snapshot = Cluster().ReclaimAnything()
            .Node("n1", gpus: 1)
            .Team("a", nominalGpus: 1)
            .Team("b", nominalGpus: 0, borrowGpus: 1)
            .Running(1, "b", "n1", [0], startedAt: Time.Now.AddMinutes(-20), borrowing: true)
            .Pending(10, "a", gpus: 1)
            .Build();
        var borrower = snapshot.Running[0];
        return snapshot with
        {
            Running = [borrower with { Job = borrower.Job with { TimesPreempted = timesPreempted } }],
            Settings = snapshot.Settings with { MaxPreemptionsPerJob = maxPreemptionsPerJob },
        };
    }

    [Fact]
    public void A_job_that_was_preempted_once_is_not_preempted_again_by_default()
    {
        BorrowerThatWasPreempted(timesPreempted: 0, maxPreemptionsPerJob: 1).Plan().Preemptions.Select(p => p.Victim.Value).Should().Equal(1);

        var plan = BorrowerThatWasPreempted(timesPreempted: 1, maxPreemptionsPerJob: 1).Plan();

        plan.Preemptions.Should().BeEmpty();
        plan.WaitingIds().Should().Equal(10);
    }

    [Fact]
    public void Without_a_limit_a_restarted_job_may_be_preempted_again()
    {
        BorrowerThatWasPreempted(timesPreempted: 3, maxPreemptionsPerJob: null).Plan().Preemptions.Select(p => p.Victim.Value).Should().Equal(1);
        BorrowerThatWasPreempted(timesPreempted: 1, maxPreemptionsPerJob: 2).Plan().Preemptions.Select(p => p.Victim.Value).Should().Equal(1);
        BorrowerThatWasPreempted(timesPreempted: 2, maxPreemptionsPerJob: 2).Plan().Preemptions.Should().BeEmpty();
    }

    [Fact]
    public void A_preempted_job_goes_back_to_the_queue_counting_the_preemption()
    {
        var snapshot = BorrowerThatWasPreempted(timesPreempted: 0, maxPreemptionsPerJob: 1);
        var victim = snapshot.Plan().Preemptions.Single().Victim;

        var after = Dashboard.Scheduling.Planning.ClusterTransitions.Requeue(snapshot, victim, Time.Now);
        var requeued = after.Pending.ByTeam["b"].Single();

        requeued.Id.Should().Be(victim);
        requeued.TimesPreempted.Should().Be(1);
        after.Running.Should().BeEmpty();
    }
}
