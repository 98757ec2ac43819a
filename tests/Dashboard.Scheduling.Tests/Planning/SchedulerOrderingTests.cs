using Dashboard.Scheduling.Model;
using Dashboard.Scheduling.Tests.Builders;
using static Dashboard.Scheduling.Tests.Builders.ClusterBuilder;

namespace Dashboard.Scheduling.Tests.Planning;

/// <summary>Step 2: priority, then fair-share standing, then submit time, then id. One free GPU shows who goes first.</summary>
public sealed class SchedulerOrderingTests
{
    private static ClusterBuilder OneFreeGpu() => Cluster()
        .Node("n1", gpus: 1)
        .Team("a", nominalGpus: 8)
        .Team("b", nominalGpus: 8);

    [Fact]
    public void Higher_priority_goes_first_even_when_submitted_later()
    {
        var plan = OneFreeGpu()
            .Pending(1, "a", priority: 0, submittedAt: Time.Epoch)
            .Pending(2, "a", priority: 5, submittedAt: Time.Epoch.AddMinutes(30))
            .Plan();

        plan.StartedIds().Should().Equal(2);
    }

    [Fact]
    public void The_team_with_less_recent_use_goes_first_at_equal_priority()
    {
        var plan = OneFreeGpu()
            .Usage("a", gpuSeconds: 1000)
            .Pending(1, "a", submittedAt: Time.Epoch)
            .Pending(2, "b", submittedAt: Time.Epoch.AddMinutes(30))
            .Plan();

        plan.StartedIds().Should().Equal(2);
    }

    [Fact]
    public void Fair_share_divides_use_by_the_team_weight()
    {
        var plan = Cluster()
            .Node("n1", gpus: 1)
            .Team("a", nominalGpus: 8, weight: 10)
            .Team("b", nominalGpus: 8, weight: 1)
            .Usage("a", gpuSeconds: 1000)
            .Usage("b", gpuSeconds: 500)
            .Pending(1, "b", submittedAt: Time.Epoch)
            .Pending(2, "a", submittedAt: Time.Epoch.AddMinutes(30))
            .Plan();

        plan.StartedIds().Should().Equal(2);
    }

    [Fact]
    public void Old_use_counts_less_than_recent_use()
    {
        var plan = OneFreeGpu()
            .Usage("a", gpuSeconds: 1000, asOf: Time.Now.AddDays(-28))
            .Usage("b", gpuSeconds: 100, asOf: Time.Now)
            .Pending(1, "b", submittedAt: Time.Epoch)
            .Pending(2, "a", submittedAt: Time.Epoch.AddMinutes(30))
            .Plan();

        plan.StartedIds().Should().Equal(2);
    }

    [Fact]
    public void Priority_outranks_fair_share()
    {
        var plan = OneFreeGpu()
            .Usage("a", gpuSeconds: 1_000_000)
            .Pending(1, "b", priority: 0)
            .Pending(2, "a", priority: 1)
            .Plan();

        plan.StartedIds().Should().Equal(2);
    }

    [Fact]
    public void At_equal_standing_the_earlier_submit_goes_first_whatever_the_team_name()
    {
        var plan = OneFreeGpu()
            .Pending(1, "a", submittedAt: Time.Epoch.AddMinutes(10))
            .Pending(2, "b", submittedAt: Time.Epoch.AddMinutes(5))
            .Plan();

        plan.StartedIds().Should().Equal(2);
    }

    [Fact]
    public void At_equal_submit_time_the_lower_id_goes_first()
    {
        var plan = OneFreeGpu()
            .Pending(7, "b", submittedAt: Time.Epoch)
            .Pending(4, "a", submittedAt: Time.Epoch)
            .Pending(5, "b", submittedAt: Time.Epoch)
            .Plan();

        plan.StartedIds().Should().Equal(4);
        plan.WaitingIds().Should().Equal(5, 7);
    }

    [Fact]
    public void The_waiting_jobs_are_explained_in_scheduling_order()
    {
        var plan = OneFreeGpu()
            .Usage("a", gpuSeconds: 50)
            .Pending(1, "a", priority: 1, submittedAt: Time.Epoch.AddMinutes(1))
            .Pending(2, "b", priority: 1, submittedAt: Time.Epoch.AddMinutes(2))
            .Pending(3, "a", priority: 9, submittedAt: Time.Epoch.AddMinutes(3))
            .Pending(4, "b", priority: 0, submittedAt: Time.Epoch.AddMinutes(0))
            .Pending(5, "a", priority: 0, submittedAt: Time.Epoch.AddMinutes(0))
            .Pending(6, "b", priority: 0, submittedAt: Time.Epoch.AddMinutes(0))
            .Plan();

        plan.StartedIds().Should().Equal(3);
        plan.WaitingIds().Should().Equal(2, 1, 4, 6, 5);
        plan.Pending.Select(p => p.Reason.JobsAhead).Should().Equal(0, 1, 2, 3, 4);
    }
}
