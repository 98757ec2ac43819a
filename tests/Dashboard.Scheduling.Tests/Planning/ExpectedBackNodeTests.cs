using Dashboard.Scheduling.Model;
using Dashboard.Scheduling.Planning;
using Dashboard.Scheduling.Tests.Builders;
using static Dashboard.Scheduling.Tests.Builders.ClusterBuilder;

namespace Dashboard.Scheduling.Tests.Planning;

/// <summary>A Down node expected back (a Slurm node while slurmctld does not answer): nothing placed there, nothing refused for it.</summary>
public sealed class ExpectedBackNodeTests
{
    [Fact]
    public void A_down_node_expected_back_counts_for_never_fits_but_takes_no_job()
    {
        var snapshot = Cluster().Node("slurm-1", gpus: 8).Team("a", nominalGpus: 8).Build();
        var unreachable = snapshot with { Nodes = [snapshot.Nodes[0] with { State = NodeState.Down, ExpectedBack = true }] };
        var gone = snapshot with { Nodes = [snapshot.Nodes[0] with { State = NodeState.Down }] };

        NeverFits.Check(unreachable, Jobs.Spec(gpus: 8)).Should().BeNull("the node comes back when its manager answers");
        NeverFits.Check(gone, Jobs.Spec(gpus: 8)).Should().NotBeNull();
        unreachable.Nodes[0].IsSchedulable.Should().BeFalse();
    }
}
