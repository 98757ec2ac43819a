using System.Collections.Immutable;
using Dashboard.Scheduling.Model;
using Dashboard.Scheduling.Tests.Builders;
using static Dashboard.Scheduling.Tests.Builders.ClusterBuilder;

namespace Dashboard.Scheduling.Tests.Model;

/// <summary>A plan's explanations are built when read: every way of reading them gives the same records.</summary>
public sealed class PendingExplanationsTests
{
    private static SchedulePlan BusyPlan() => Cluster()
        .Node("n1", gpus: 2)
        .Team("a", nominalGpus: 2, borrowGpus: 0)
        .Team("b", nominalGpus: 8)
        .Running(1, "b", "n1", [0, 1], endsAt: Time.Now.AddHours(1))
        .Pending(2, "a", gpus: 2, walltime: TimeSpan.FromHours(1))
        .Pending(3, "a", gpus: 1, walltime: TimeSpan.FromHours(1))
        .Pending(4, "b", gpus: 1, walltime: TimeSpan.FromHours(2))
        .Pending(5, "b", gpus: 2)
        .Plan();

    [Fact]
    public void The_indexer_enumeration_find_and_an_immutable_array_give_equal_explanations()
    {
        var pending = BusyPlan().Pending;

        pending.Length.Should().Be(4);
        var byIndex = Enumerable.Range(0, pending.Length).Select(i => pending[i]).ToList();
        var byForeach = new List<PendingExplanation>();
        foreach (var explanation in pending)
        {
            byForeach.Add(explanation);
        }

        byForeach.Should().Equal(byIndex);
        pending.ToList().Should().Equal(byIndex);
        pending.ToImmutableArray().Should().Equal(byIndex);
        byIndex.Select(e => pending.Find(e.Job)).Should().Equal(byIndex);
        byIndex.Select(e => e.Reason.JobsAhead).Should().Equal(0, 1, 2, 3);
        byIndex.Where(e => e.Reservation is not null).Should().NotBeEmpty("the top blocked job holds a reservation");
        byIndex.Select(e => e.EstimatedStart).Should().AllSatisfy(start => start.Should().NotBeNull());
    }

    [Fact]
    public void A_job_that_does_not_wait_is_not_found_and_a_position_past_the_end_is_refused()
    {
        var pending = BusyPlan().Pending;

        pending.Find(Jobs.Id(1)).Should().BeNull("job 1 runs");
        pending.Find(Jobs.Id(99)).Should().BeNull();
        var read = () => pending[pending.Length];
        read.Should().Throw<ArgumentOutOfRangeException>();
        var negative = () => pending[-1];
        negative.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void An_immutable_array_and_a_collection_expression_convert_both_ways()
    {
        var one = new PendingExplanation(Jobs.Id(7), null, new PendingReason(PendingCause.WaitingForCapacity, new ResourceRequest(1, 1000, 1024), 0, ResourceAmount.Zero, ResourceAmount.Zero), null);
        PendingExplanations fromArray = ImmutableArray.Create(one);
        PendingExplanations fromExpression = [one];
        PendingExplanations empty = [];
        ImmutableArray<PendingExplanation> back = fromArray;

        fromArray.Should().Equal(one);
        fromExpression.Should().Equal(one);
        fromExpression.Find(Jobs.Id(7)).Should().Be(one);
        back.Should().Equal(one);
        empty.IsEmpty.Should().BeTrue();
        SchedulePlan.Empty.Pending.Should().BeEmpty();
    }
}
