using Dashboard.Scheduling.Model;
using Dashboard.Scheduling.Planning;
using Dashboard.Scheduling.Tests.Builders;
using static Dashboard.Scheduling.Tests.Builders.ClusterBuilder;

namespace Dashboard.Scheduling.Tests.Planning;

public sealed class SnapshotInvariantsTests
{
    private static ClusterBuilder TwoNodes() => Cluster()
        .Node("n1", gpus: 8, cpuCores: 64, memoryGiB: 512)
        .Node("n2", gpus: 4, cpuCores: 32, memoryGiB: 256)
        .Team("a", nominalGpus: 8, borrowGpus: 8, nominalCpuCores: 64, nominalMemoryGiB: 512);

    [Fact]
    public void A_sound_cluster_has_no_violations()
    {
        var snapshot = TwoNodes()
            .Running(1, "a", "n1", [0, 1, 2, 3], cpuCores: 32, memoryGiB: 256)
            .Running(2, "a", "n1", [4, 5, 6, 7], cpuCores: 32, memoryGiB: 256)
            .Running(3, "a", "n2", [0, 1, 2, 3], cpuCores: 32, memoryGiB: 256, borrowing: true)
            .Build();

        SnapshotInvariants.Violations(snapshot).Should().BeEmpty();
    }

    [Fact]
    public void A_GPU_held_by_two_jobs_is_a_violation()
    {
        var snapshot = TwoNodes().Running(1, "a", "n1", [0, 1]).Running(2, "a", "n1", [1, 2]).Build();

        SnapshotInvariants.Violations(snapshot).Should().Equal("GPU 1 on n1 is held by jobs 1 and 2");
    }

    [Fact]
    public void The_same_index_on_two_nodes_is_not_shared()
    {
        var snapshot = TwoNodes().Running(1, "a", "n1", [0]).Running(2, "a", "n2", [0]).Build();

        SnapshotInvariants.Violations(snapshot).Should().BeEmpty();
    }

    [Fact]
    public void A_GPU_the_node_does_not_have_is_a_violation()
    {
        var snapshot = TwoNodes().Running(1, "a", "n2", [3, 4]).Build();

        SnapshotInvariants.Violations(snapshot).Should().Equal("job 1 holds GPU 4 which n2 does not have");
    }

    [Fact]
    public void An_allocation_on_an_unknown_node_is_a_violation()
    {
        var snapshot = TwoNodes().Running(1, "a", "n9", [0]).Build();

        SnapshotInvariants.Violations(snapshot).Should().Equal("job 1 is allocated on unknown node n9");
    }

    [Fact]
    public void A_job_running_twice_is_a_violation()
    {
        var snapshot = TwoNodes().Running(1, "a", "n1", [0]).Running(1, "a", "n2", [0]).Build();

        SnapshotInvariants.Violations(snapshot).Should().Equal("job 1 holds more than one allocation");
    }

    [Fact]
    public void Over_committed_CPU_is_a_violation()
    {
        var snapshot = TwoNodes().Running(1, "a", "n2", [0], cpuCores: 20).Running(2, "a", "n2", [1], cpuCores: 12.5, borrowing: true).Build();

        SnapshotInvariants.Violations(snapshot).Should().Equal("n2 has 32.5 CPU cores allocated of 32");
    }

    [Fact]
    public void Over_committed_memory_is_a_violation()
    {
        var snapshot = TwoNodes().Running(1, "a", "n2", [0], memoryGiB: 200).Running(2, "a", "n2", [1], memoryGiB: 57, borrowing: true).Build();

        SnapshotInvariants.Violations(snapshot).Should().Equal("n2 has 257 GiB allocated of 256 GiB");
    }

    [Fact]
    public void Exactly_full_is_not_over_committed()
    {
        var snapshot = TwoNodes().Running(1, "a", "n2", [0, 1, 2, 3], cpuCores: 32, memoryGiB: 256).Build();

        SnapshotInvariants.Violations(snapshot).Should().BeEmpty();
    }

    [Fact]
    public void Holding_more_than_nominal_without_borrowing_is_a_violation()
    {
        var snapshot = TwoNodes()
            .Running(1, "a", "n1", [0, 1, 2, 3, 4, 5, 6, 7])
            .Running(2, "a", "n2", [0])
            .Build();

        SnapshotInvariants.Violations(snapshot).Should().Equal(
            "team a holds 9 GPU, 2 CPU, 2 GiB without borrowing, above its nominal quota 8 GPU, 64 CPU, 512 GiB");
    }

    [Fact]
    public void Holding_more_than_nominal_through_borrowing_jobs_is_allowed()
    {
        var snapshot = TwoNodes()
            .Running(1, "a", "n1", [0, 1, 2, 3, 4, 5, 6, 7])
            .Running(2, "a", "n2", [0], borrowing: true)
            .Build();

        SnapshotInvariants.Violations(snapshot).Should().BeEmpty();
    }

    [Fact]
    public void A_team_without_quota_is_not_judged_against_one()
    {
        var snapshot = TwoNodes().Running(1, "ghosts", "n1", [0]).Build();

        SnapshotInvariants.Violations(snapshot).Should().BeEmpty();
    }

    [Fact]
    public void Every_violation_is_reported_not_just_the_first()
    {
        var snapshot = TwoNodes()
            .Running(1, "a", "n2", [0, 1], cpuCores: 30)
            .Running(2, "a", "n2", [1, 5], cpuCores: 30)
            .Running(3, "a", "gone", [0])
            .Build();

        SnapshotInvariants.Violations(snapshot).Should().BeEquivalentTo(
            "GPU 1 on n2 is held by jobs 1 and 2",
            "job 2 holds GPU 5 which n2 does not have",
            "job 3 is allocated on unknown node gone",
            "n2 has 60 CPU cores allocated of 32");
    }

    [Fact]
    public void The_teams_kept_beside_the_running_jobs_follow_releases_and_starts_and_a_wrong_copy_is_a_violation()
    {
        var snapshot = TwoNodes()
            .Team("b", nominalGpus: 4)
            .Running(1, "a", "n1", [0, 1])
            .Running(2, "b", "n1", [2])
            .Running(3, "a", "n2", [0])
            .Pending(4, "b", gpus: 1)
            .Build();

        var released = ClusterTransitions.Release(snapshot, Jobs.Id(2), Time.Now);
        var started = ClusterTransitions.ApplyPlan(released, Scheduler.Plan(released, Time.Now));

        RunningTeams.Of(released.Running).Should().Equal("a", "a");
        RunningTeams.Of(started.Running).Should().Equal("a", "a", "b");
        SnapshotInvariants.Violations(started).Should().BeEmpty();
        RunningTeams.Remember(started.Running, ["a", "b", "a"]);
        SnapshotInvariants.Violations(started).Should().Equal("the teams kept beside the running jobs do not match them");
    }

    [Fact]
    public void The_job_ids_kept_beside_the_running_jobs_follow_releases_and_starts_and_a_wrong_one_is_caught()
    {
        var snapshot = TwoNodes()
            .Team("b", nominalGpus: 4)
            .Running(1, "a", "n1", [0, 1])
            .Running(2, "b", "n1", [2])
            .Running(3, "a", "n2", [0])
            .Pending(4, "b", gpus: 1)
            .Build();

        var released = ClusterTransitions.Release(snapshot, Jobs.Id(2), Time.Now);
        var started = ClusterTransitions.ApplyPlan(released, Scheduler.Plan(released, Time.Now));

        RunningTeams.ColumnsOf(released.Running).JobIds.Should().Equal(1, 3);
        RunningTeams.ColumnsOf(started.Running).JobIds.Should().Equal(1, 3, 4);
        RunningTeams.IndexOf(started.Running, Jobs.Id(4)).Should().Be(2);
        RunningTeams.IndexOf(started.Running, Jobs.Id(2)).Should().Be(-1);
        SnapshotInvariants.Violations(started).Should().BeEmpty();
        var columns = RunningTeams.ColumnsOf(started.Running);
        RunningTeams.Remember(started.Running, new RunningTeams.Columns(columns.Teams, [1, 4, 3]));
        SnapshotInvariants.Violations(started).Should().Equal("the teams kept beside the running jobs do not match them");
    }
}
