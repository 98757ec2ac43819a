using Dashboard.Scheduling.Model;
using Dashboard.Scheduling.Planning;
using Dashboard.Scheduling.Tests.Builders;
using static Dashboard.Scheduling.Tests.Builders.ClusterBuilder;

namespace Dashboard.Scheduling.Tests.Planning;

/// <summary>Step 1: what can never fit is refused with the never-fits reason, and neither started nor explained.</summary>
public sealed class SchedulerRefusalTests
{
    [Fact]
    public void A_job_that_needs_more_GPUs_than_any_node_is_refused()
    {
        var plan = Cluster().Node("n1", gpus: 8).Team("a", nominalGpus: 16).Pending(1, "a", gpus: 16).Plan();

        plan.Refusals.Should().Equal(new JobRefusal(Jobs.Id(1), "needs 16 GPUs; the largest node has 8"));
        plan.Starts.Should().BeEmpty();
        plan.Pending.Should().BeEmpty();
    }

    public static TheoryData<JobSpec> NeverFittingSpecs => new()
    {
        Jobs.Spec(team: "ghosts"),
        Jobs.Spec(gpus: 9),
        Jobs.Spec(gpus: 2, cpuCores: 96),
        Jobs.Spec(gpus: 1, memoryGiB: 600),
        Jobs.Spec(gpus: 1, model: "B200"),
        Jobs.Spec(priority: 11),
        Jobs.Spec(gpus: 0, cpuCores: 200),
    };

    [Theory]
    [MemberData(nameof(NeverFittingSpecs))]
    public void The_refusal_reason_is_exactly_the_never_fits_reason(JobSpec spec)
    {
        var snapshot = Cluster()
            .Node("n1", gpus: 8, cpuCores: 64, memoryGiB: 512)
            .Team("a", nominalGpus: 16, maxPriority: 10)
            .Build();
        snapshot = ClusterTransitions.Submit(snapshot, new Job(Jobs.Id(1), spec, Time.Epoch));
        var expected = NeverFits.Check(snapshot, spec);

        var plan = snapshot.Plan();

        expected.Should().NotBeNull();
        plan.Refusals.Should().Equal(new JobRefusal(Jobs.Id(1), expected!));
        plan.Pending.Should().BeEmpty();
    }

    [Fact]
    public void A_refused_job_does_not_hold_up_the_jobs_behind_it()
    {
        var plan = Cluster()
            .Node("n1", gpus: 8)
            .Team("a", nominalGpus: 16)
            .Pending(1, "a", gpus: 16, priority: 100)
            .Pending(2, "a", gpus: 8)
            .Plan();

        plan.Refusals.Select(r => r.Job.Value).Should().Equal(1);
        plan.StartedIds().Should().Equal(2);
    }

    [Fact]
    public void Refused_jobs_are_not_counted_as_jobs_ahead()
    {
        var plan = Cluster()
            .Node("n1", gpus: 8)
            .Team("a", nominalGpus: 16)
            .Running(9, "a", "n1", [0, 1, 2, 3, 4, 5, 6, 7])
            .Pending(1, "a", gpus: 2, priority: 3)
            .Pending(2, "a", gpus: 32, priority: 2)
            .Pending(3, "a", gpus: 2, priority: 1)
            .Plan();

        plan.WaitingIds().Should().Equal(1, 3);
        plan.ExplanationOf(3).Reason.JobsAhead.Should().Be(1);
    }

    [Fact]
    public void A_job_that_only_a_Down_node_could_hold_is_refused()
    {
        var plan = Cluster()
            .Node("big", gpus: 16, state: NodeState.Down)
            .Node("small", gpus: 8)
            .Team("a", nominalGpus: 16)
            .Pending(1, "a", gpus: 16)
            .Plan();

        plan.Refusals.Should().Equal(new JobRefusal(Jobs.Id(1), "needs 16 GPUs; the largest node has 8"));
    }

    [Fact]
    public void A_job_that_only_a_Draining_node_could_hold_waits_instead()
    {
        var plan = Cluster()
            .Node("big", gpus: 16, state: NodeState.Draining)
            .Node("small", gpus: 8)
            .Team("a", nominalGpus: 16)
            .Pending(1, "a", gpus: 16)
            .Plan();

        plan.Refusals.Should().BeEmpty();
        plan.Starts.Should().BeEmpty();
        plan.ExplanationOf(1).Reason.Cause.Should().Be(PendingCause.WaitingForCapacity);
    }

    [Fact]
    public void An_empty_cluster_with_nothing_pending_plans_nothing()
    {
        var plan = Scheduler.Plan(ClusterSnapshot.Empty, Time.Now);

        plan.Starts.Should().BeEmpty();
        plan.Refusals.Should().BeEmpty();
        plan.Preemptions.Should().BeEmpty();
        plan.Pending.Should().BeEmpty();
    }

    [Fact]
    public void Every_job_that_can_never_fit_is_refused_even_when_the_pass_does_not_explain_everything()
    {
        // A full cluster with no reservations and nothing borrowed: the pass may stop explaining early,
        // but step 1 still refuses every job that can never fit.
        var plan = Cluster()
            .Node("n1", gpus: 8)
            .Team("a", nominalGpus: 16)
            .Running(9, "a", "n1", [0, 1, 2, 3, 4, 5, 6, 7])
            .Pending(1, "a", gpus: 1, priority: 5)
            .Pending(2, "a", gpus: 16, priority: 1)
            .Settings(backfillDepth: 0, explainAllPending: false)
            .Plan();

        plan.Refusals.Should().Equal(new JobRefusal(Jobs.Id(2), "needs 16 GPUs; the largest node has 8"));
    }
}
