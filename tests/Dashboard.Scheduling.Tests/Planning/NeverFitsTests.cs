using Dashboard.Scheduling.Model;
using Dashboard.Scheduling.Planning;
using Dashboard.Scheduling.Tests.Builders;
using static Dashboard.Scheduling.Tests.Builders.ClusterBuilder;

namespace Dashboard.Scheduling.Tests.Planning;

public sealed class NeverFitsTests
{
    private static readonly ClusterSnapshot TwoEightGpuNodes = Cluster()
        .Node("n1", gpus: 8, cpuCores: 64, memoryGiB: 512)
        .Node("n2", gpus: 8, cpuCores: 64, memoryGiB: 512)
        .Team("a", nominalGpus: 8, borrowGpus: 8)
        .Build();

    [Fact]
    public void A_request_that_fits_a_node_and_the_quota_has_no_reason() =>
        NeverFits.Check(TwoEightGpuNodes, Jobs.Spec(gpus: 8, cpuCores: 64, memoryGiB: 512)).Should().BeNull();

    [Fact]
    public void A_job_that_only_a_node_down_with_a_note_could_hold_is_refused_with_that_note()
    {
        var snapshot = Cluster()
            .Node("local", gpus: 0, cpuCores: 8, state: NodeState.Down, note: "the local node runs no jobs: no isolation available")
            .Node("demo", gpus: 8, cpuCores: 4, state: NodeState.Draining)
            .Team("a", nominalGpus: 8)
            .Build();

        NeverFits.Check(snapshot, Jobs.Spec(gpus: 0, cpuCores: 6)).Should().Be(
            "needs 6 CPU cores; the largest node has 4 CPU cores (node local: the local node runs no jobs: no isolation available)");
        NeverFits.Check(snapshot, Jobs.Spec(gpus: 0, cpuCores: 2)).Should().BeNull("the draining node will take it again");
    }

    [Fact]
    public void A_job_that_needs_more_GPUs_than_any_node_is_refused() =>
        NeverFits.Check(TwoEightGpuNodes, Jobs.Spec(gpus: 16)).Should().Be("needs 16 GPUs; the largest node has 8");

    [Fact]
    public void A_GPU_job_on_a_cluster_without_GPUs_is_refused()
    {
        var snapshot = Cluster().Node("cpu1", gpus: 0).Team("a", nominalGpus: 4).Build();

        NeverFits.Check(snapshot, Jobs.Spec(gpus: 2)).Should().Be("needs 2 GPUs; no node has GPUs");
    }

    [Fact]
    public void A_job_that_needs_more_cores_than_any_node_is_refused() =>
        NeverFits.Check(TwoEightGpuNodes, Jobs.Spec(gpus: 1, cpuCores: 96))
            .Should().Be("needs 96 CPU cores; the largest node has 64 CPU cores");

    [Fact]
    public void Fractional_cores_are_written_as_people_read_them() =>
        NeverFits.Check(TwoEightGpuNodes, Jobs.Spec(gpus: 0, cpuCores: 64.5))
            .Should().Be("needs 64.5 CPU cores; the largest node has 64 CPU cores");

    [Fact]
    public void A_job_that_needs_more_memory_than_any_node_is_refused() =>
        NeverFits.Check(TwoEightGpuNodes, Jobs.Spec(gpus: 1, memoryGiB: 1024))
            .Should().Be("needs 1024 GiB of memory; the largest node has 512 GiB");

    [Fact]
    public void A_request_no_single_node_holds_all_of_is_refused()
    {
        var snapshot = Cluster()
            .Node("gpu1", gpus: 8, cpuCores: 32, memoryGiB: 256)
            .Node("cpu1", gpus: 0, cpuCores: 128, memoryGiB: 1024)
            .Team("a", nominalGpus: 8)
            .Build();

        NeverFits.Check(snapshot, Jobs.Spec(gpus: 8, cpuCores: 96, memoryGiB: 512))
            .Should().Be("no single node has 8 GPUs, 96 CPU cores and 512 GiB of memory together");
    }

    [Fact]
    public void A_team_without_quota_is_refused() =>
        NeverFits.Check(TwoEightGpuNodes, Jobs.Spec(team: "ghosts")).Should().Be("team ghosts has no quota; ask an admin to add one");

    [Fact]
    public void A_priority_above_the_team_maximum_is_refused()
    {
        var snapshot = Cluster().Node("n1", gpus: 8).Team("a", nominalGpus: 8, maxPriority: 10).Build();

        NeverFits.Check(snapshot, Jobs.Spec(priority: 11)).Should().Be("priority 11 is above team a's maximum of 10");
        NeverFits.Check(snapshot, Jobs.Spec(priority: 10)).Should().BeNull();
    }

    [Fact]
    public void More_GPUs_than_the_team_may_ever_hold_is_refused_with_nominal_and_borrowing()
    {
        var snapshot = Cluster().Node("n1", gpus: 8).Node("n2", gpus: 8).Team("a", nominalGpus: 4, borrowGpus: 2).Build();

        NeverFits.Check(snapshot, Jobs.Spec(gpus: 7)).Should().Be("needs 7 GPUs; team a may hold at most 6 (nominal 4 + borrowing 2)");
        NeverFits.Check(snapshot, Jobs.Spec(gpus: 6)).Should().BeNull();
    }

    [Fact]
    public void More_cores_than_the_team_may_ever_hold_is_refused()
    {
        var snapshot = Cluster().Node("n1", gpus: 8).Team("a", nominalGpus: 8, nominalCpuCores: 16, borrowCpuCores: 4).Build();

        NeverFits.Check(snapshot, Jobs.Spec(cpuCores: 21)).Should().Be("needs 21 CPU cores; team a may hold at most 20");
    }

    [Fact]
    public void More_memory_than_the_team_may_ever_hold_is_refused()
    {
        var snapshot = Cluster().Node("n1", gpus: 8).Team("a", nominalGpus: 8, nominalMemoryGiB: 64, borrowMemoryGiB: 64).Build();

        NeverFits.Check(snapshot, Jobs.Spec(memoryGiB: 129)).Should().Be("needs 129 GiB of memory; team a may hold at most 128 GiB");
    }

    [Fact]
    public void The_team_quota_is_checked_before_the_nodes() =>
        NeverFits.Check(TwoEightGpuNodes, Jobs.Spec(gpus: 17))
            .Should().Be("needs 17 GPUs; team a may hold at most 16 (nominal 8 + borrowing 8)");

    [Fact]
    public void Down_nodes_do_not_count()
    {
        var snapshot = Cluster()
            .Node("big", gpus: 16, state: NodeState.Down)
            .Node("small", gpus: 8)
            .Team("a", nominalGpus: 16)
            .Build();

        NeverFits.Check(snapshot, Jobs.Spec(gpus: 16)).Should().Be("needs 16 GPUs; the largest node has 8");
    }

    [Fact]
    public void Draining_nodes_count_because_they_come_back()
    {
        var snapshot = Cluster()
            .Node("big", gpus: 16, state: NodeState.Draining)
            .Node("small", gpus: 8)
            .Team("a", nominalGpus: 16)
            .Build();

        NeverFits.Check(snapshot, Jobs.Spec(gpus: 16)).Should().BeNull();
    }

    [Fact]
    public void A_cluster_with_every_node_down_refuses_everything()
    {
        var snapshot = Cluster().Node("n1", gpus: 8, state: NodeState.Down).Team("a", nominalGpus: 8).Build();

        NeverFits.Check(snapshot, Jobs.Spec(gpus: 0)).Should().Be("the cluster has no node that is up");
    }

    [Fact]
    public void Running_jobs_do_not_matter_only_capacity_does()
    {
        var snapshot = Cluster()
            .Node("n1", gpus: 8)
            .Team("a", nominalGpus: 8)
            .Running(1, "a", "n1", [0, 1, 2, 3, 4, 5, 6, 7])
            .Build();

        NeverFits.Check(snapshot, Jobs.Spec(gpus: 8)).Should().BeNull();
    }

    [Fact]
    public void A_GPU_model_no_node_has_is_refused_with_the_models_available()
    {
        var snapshot = Cluster().Node("n1", gpus: 4, model: "H100").Node("n2", gpus: 4, model: "A100").Team("a", nominalGpus: 8).Build();

        NeverFits.Check(snapshot, Jobs.Spec(gpus: 1, model: "B200"))
            .Should().Be("needs B200 GPUs; no node has that model (available: A100, H100)");
    }

    [Fact]
    public void A_GPU_model_on_a_cluster_without_GPUs_is_refused()
    {
        var snapshot = Cluster().Node("cpu1", gpus: 0).Team("a", nominalGpus: 8).Build();

        NeverFits.Check(snapshot, Jobs.Spec(gpus: 1, model: "B200")).Should().Be("needs B200 GPUs; no node has GPUs");
    }

    [Fact]
    public void More_GPUs_of_a_model_than_any_node_has_of_it_is_refused()
    {
        var snapshot = Cluster().Node("n1", gpus: 8, model: "H100").Node("n2", gpus: 4, model: "A100").Team("a", nominalGpus: 8).Build();

        NeverFits.Check(snapshot, Jobs.Spec(gpus: 6, model: "A100")).Should().Be("needs 6 A100 GPUs; the largest node has 4");
    }

    [Fact]
    public void GPU_models_match_without_regard_to_case()
    {
        var snapshot = Cluster().Node("n1", gpus: 4, model: "A100").Team("a", nominalGpus: 8).Build();

        NeverFits.Check(snapshot, Jobs.Spec(gpus: 4, model: "a100")).Should().BeNull();
    }

    [Fact]
    public void Models_are_counted_per_GPU_on_a_mixed_node()
    {
        var snapshot = Cluster().MixedNode("mix", ["A100", "A100", "H100", "H100", "H100"]).Team("a", nominalGpus: 8).Build();

        NeverFits.Check(snapshot, Jobs.Spec(gpus: 3, model: "H100")).Should().BeNull();
        NeverFits.Check(snapshot, Jobs.Spec(gpus: 3, model: "A100")).Should().Be("needs 3 A100 GPUs; the largest node has 2");
    }

    [Fact]
    public void A_CPU_only_job_fits_a_cluster_without_GPUs()
    {
        var snapshot = Cluster().Node("cpu1", gpus: 0, cpuCores: 32).Team("a", nominalGpus: 0).Build();

        NeverFits.Check(snapshot, Jobs.Spec(gpus: 0, cpuCores: 32)).Should().BeNull();
    }

    [Fact]
    public void One_checker_answers_many_jobs_like_the_one_off_check()
    {
        var snapshot = Cluster()
            .Node("n1", gpus: 8, model: "H100")
            .MixedNode("mix", ["A100", "a100", "H100"])
            .Node("n3", gpus: 8, model: "H100", state: NodeState.Down)
            .Team("a", nominalGpus: 16, borrowGpus: 16, maxPriority: 10)
            .Build();
        var checker = NeverFits.For(snapshot);
        JobSpec[] specs =
        [
            Jobs.Spec(gpus: 8), Jobs.Spec(gpus: 9), Jobs.Spec(gpus: 2, model: "A100"), Jobs.Spec(gpus: 3, model: "a100"),
            Jobs.Spec(gpus: 1, model: "B200"), Jobs.Spec(gpus: 8), Jobs.Spec(team: "ghosts"), Jobs.Spec(priority: 11),
            Jobs.Spec(gpus: 0, cpuCores: 65), Jobs.Spec(gpus: 33),
        ];

        foreach (var spec in specs)
        {
            checker.Check(spec).Should().Be(NeverFits.Check(snapshot, spec), spec.ToString());
        }

        checker.Check(Jobs.Spec(gpus: 3, model: "a100")).Should().Be("needs 3 a100 GPUs; the largest node has 2");
        checker.Check(Jobs.Spec(gpus: 1, model: "B200")).Should().Be("needs B200 GPUs; no node has that model (available: A100, H100)");
    }

    [Fact]
    public void Only_teams_whose_jobs_may_never_fit_are_searched()
    {
        var snapshot = Cluster()
            .Node("n1", gpus: 8)
            .Team("a", nominalGpus: 4, borrowGpus: 4)
            .Team("b", nominalGpus: 2, borrowGpus: 0)
            .Team("c", nominalGpus: 8, maxPriority: 5)
            .Pending(1, "a", gpus: 8)
            .Pending(2, "b", gpus: 4)
            .Pending(3, "c", gpus: 1, priority: 9)
            .Pending(4, "nobody", gpus: 1)
            .Build();

        NeverFits.For(snapshot).TeamsThatMayHoldNeverFittingJobs(snapshot.Pending).Should().Equal("b", "c", "nobody");
        var tooLarge = ClusterTransitions.Submit(snapshot, Jobs.Job(5, "a", gpus: 16));
        NeverFits.For(tooLarge).TeamsThatMayHoldNeverFittingJobs(tooLarge.Pending).Should().Equal("a", "b", "c", "nobody");
    }
}
