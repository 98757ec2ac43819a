using Dashboard.Scheduling.Model;
using Dashboard.Scheduling.Planning;
using Dashboard.Scheduling.Tests.Builders;
using static Dashboard.Scheduling.Tests.Builders.ClusterBuilder;

namespace Dashboard.Scheduling.Tests.Planning;

/// <summary>The seed's own traces, replayed through the pure transitions and the scheduler.</summary>
public sealed class SeedTraceTests
{
    [Fact]
    public void One_free_GPU_is_allocated_released_and_allocated_again()
    {
        var snapshot = Cluster().Node("n1", gpus: 1).Team("a", nominalGpus: 1).Build();
        snapshot.FreeGpus("n1").Should().Be(1);

        snapshot = ClusterTransitions.Submit(snapshot, Jobs.Job(1, walltime: TimeSpan.FromHours(1)));
        var plan = Scheduler.Plan(snapshot, Time.Now);
        plan.StartOf(1).Allocation.Describe().Should().Be("n1 (GPU 0)");
        snapshot = ClusterTransitions.ApplyPlan(snapshot, plan);
        snapshot.FreeGpus("n1").Should().Be(0);
        snapshot.Pending.Count.Should().Be(0);

        snapshot = ClusterTransitions.Release(snapshot, Jobs.Id(1), Time.InHours(0.5));
        snapshot.FreeGpus("n1").Should().Be(1);
        snapshot.Running.Should().BeEmpty();
        snapshot.Usage.Single().GpuSeconds.Should().BeApproximately(1800, 1e-9);

        snapshot = ClusterTransitions.Submit(snapshot, Jobs.Job(2));
        plan = Scheduler.Plan(snapshot, Time.InHours(0.5));
        plan.StartOf(2).Allocation.Should().BeEquivalentTo(new { Node = "n1", Start = Time.InHours(0.5), ExpectedEnd = (DateTimeOffset?)null });
        plan.StartOf(2).Allocation.GpuIndices.Should().Equal(0);
        snapshot = ClusterTransitions.ApplyPlan(snapshot, plan);
        snapshot.FreeGpus("n1").Should().Be(0);
        SnapshotInvariants.Violations(snapshot).Should().BeEmpty();
    }

    [Fact]
    public void A_job_that_finds_the_GPU_busy_queues_and_starts_when_it_is_released()
    {
        var snapshot = Cluster()
            .Node("n1", gpus: 1)
            .Team("a", nominalGpus: 1)
            .Team("b", nominalGpus: 1)
            .Running(1, "a", "n1", [0], startedAt: Time.Epoch, endsAt: Time.InHours(1))
            .Build();

        snapshot = ClusterTransitions.Submit(snapshot, Jobs.Job(2, team: "b", submittedAt: Time.Now));
        var plan = Scheduler.Plan(snapshot, Time.Now);
        plan.Starts.Should().BeEmpty();
        var waiting = plan.ExplanationOf(2);
        waiting.Reason.Cause.Should().Be(PendingCause.WaitingForCapacity);
        waiting.EstimatedStart.Should().Be(Time.InHours(1));
        waiting.Reason.Describe().Should().Be("needs 1 GPU on one node; no node has that much free now; team b has 1 of its 1 GPU free (0 in use)");
        snapshot = ClusterTransitions.ApplyPlan(snapshot, plan);
        snapshot.Pending.Find(Jobs.Id(2)).Should().NotBeNull();

        snapshot = ClusterTransitions.Release(snapshot, Jobs.Id(1), Time.InHours(0.75));
        plan = Scheduler.Plan(snapshot, Time.InHours(0.75));

        plan.StartOf(2).Allocation.Describe().Should().Be("n1 (GPU 0)");
        plan.StartOf(2).Allocation.Start.Should().Be(Time.InHours(0.75));
        plan.Pending.Should().BeEmpty();
        snapshot = ClusterTransitions.ApplyPlan(snapshot, plan);
        snapshot.Running.Select(r => r.Job.Id.Value).Should().Equal(2);
        SnapshotInvariants.Violations(snapshot).Should().BeEmpty();
    }

    [Fact]
    public void Two_jobs_queued_for_one_GPU_run_one_after_the_other_in_order()
    {
        var snapshot = Cluster().Node("n1", gpus: 1).Team("a", nominalGpus: 1).Build();
        snapshot = ClusterTransitions.Submit(snapshot, Jobs.Job(1, walltime: TimeSpan.FromHours(1)));
        snapshot = ClusterTransitions.Submit(snapshot, Jobs.Job(2, walltime: TimeSpan.FromHours(1)));
        snapshot = ClusterTransitions.Submit(snapshot, Jobs.Job(3, walltime: TimeSpan.FromHours(1)));

        var started = new List<long>();
        var now = Time.Now;
        for (var step = 0; step < 3; step++)
        {
            var plan = Scheduler.Plan(snapshot, now);
            plan.Starts.Should().ContainSingle();
            started.Add(plan.Starts[0].Job.Id.Value);
            snapshot = ClusterTransitions.ApplyPlan(snapshot, plan);
            now = plan.Starts[0].Allocation.ExpectedEnd!.Value;
            snapshot = ClusterTransitions.Release(snapshot, plan.Starts[0].Job.Id, now);
        }

        started.Should().Equal(1, 2, 3);
        snapshot.FreeGpus("n1").Should().Be(1);
    }
}
