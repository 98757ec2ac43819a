using Dashboard.Scheduling.Tests.Builders;
using static Dashboard.Scheduling.Tests.Builders.ClusterBuilder;

namespace Dashboard.Scheduling.Tests.Planning;

/// <summary>Issue 20: placement keeps whole nodes free for large jobs: jobs go where they extend the busy horizon least.</summary>
public sealed class HorizonPlacementTests
{
    /// <summary>Two nodes with the same free room: n1 is busy for 100 more hours, n2 empties in an hour.</summary>
    private static ClusterBuilder LongAndShortNode() => Cluster()
        .Node("n1", gpus: 8)
        .Node("n2", gpus: 8)
        .Team("a", nominalGpus: 16)
        .Running(1, "a", "n1", [0], startedAt: Time.Now.AddHours(-1), endsAt: Time.Now.AddHours(100))
        .Running(2, "a", "n2", [0], startedAt: Time.Now.AddHours(-1), endsAt: Time.Now.AddHours(1));

    [Fact]
    public void A_long_small_job_goes_where_long_work_already_runs()
    {
        var plan = LongAndShortNode().Pending(10, "a", walltime: TimeSpan.FromHours(90)).Plan();

        plan.StartOf(10).Allocation.Node.Should().Be("n1");
    }

    [Fact]
    public void A_short_job_goes_to_the_node_that_empties_soon()
    {
        var plan = LongAndShortNode().Pending(10, "a", walltime: TimeSpan.FromMinutes(30)).Plan();

        plan.StartOf(10).Allocation.Node.Should().Be("n2");
    }

    [Fact]
    public void A_job_without_a_walltime_is_placed_by_best_fit_alone()
    {
        var plan = LongAndShortNode().Running(3, "a", "n2", [1]).Pending(10, "a").Plan();

        plan.StartOf(10).Allocation.Node.Should().Be("n2");
    }
}
