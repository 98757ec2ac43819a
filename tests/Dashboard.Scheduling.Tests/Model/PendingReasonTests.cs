using Dashboard.Scheduling.Model;

namespace Dashboard.Scheduling.Tests.Model;

public sealed class PendingReasonTests
{
    private static readonly ResourceAmount EightGpus = new(8, 64_000, 512 * 1024);

    private static PendingReason Reason(
        PendingCause cause,
        int gpus,
        int jobsAhead = 0,
        int inUseGpus = 0,
        int ceilingGpus = 8,
        string? model = null,
        long cpuMillicores = 8000,
        long memoryMiB = 32 * 1024,
        JobId? blocking = null) =>
        new(
            cause,
            new ResourceRequest(gpus, cpuMillicores, memoryMiB, model),
            jobsAhead,
            EightGpus with { Gpus = inUseGpus },
            EightGpus with { Gpus = ceilingGpus },
            blocking,
            Team: "vision");

    [Fact]
    public void Waiting_for_GPUs_names_the_need_the_quota_use_and_the_jobs_ahead() =>
        Reason(PendingCause.WaitingForCapacity, gpus: 4, jobsAhead: 3, inUseGpus: 8).Describe()
            .Should().Be("needs 4 GPUs on one node; no node has that much free now; team vision has 0 of its 8 GPUs free (8 in use); 3 jobs ahead");

    [Fact]
    public void One_GPU_and_one_job_ahead_are_singular() =>
        Reason(PendingCause.WaitingForCapacity, gpus: 1, jobsAhead: 1, inUseGpus: 2).Describe()
            .Should().Be("needs 1 GPU on one node; no node has that much free now; team vision has 6 of its 8 GPUs free (2 in use); 1 job ahead");

    [Fact]
    public void No_jobs_ahead_says_nothing_about_them() =>
        Reason(PendingCause.WaitingForCapacity, gpus: 2).Describe().Should().Be("needs 2 GPUs on one node; no node has that much free now; team vision has 8 of its 8 GPUs free (0 in use)");

    [Fact]
    public void A_GPU_model_is_named()
    {
        Reason(PendingCause.WaitingForCapacity, gpus: 2, model: "A100").Describe()
            .Should().Be("needs 2 A100 GPUs on one node; no node has that much free now; team vision has 8 of its 8 GPUs free (0 in use)");
        Reason(PendingCause.WaitingForCapacity, gpus: 1, model: "A100").Describe()
            .Should().Be("needs 1 A100 GPU on one node; no node has that much free now; team vision has 8 of its 8 GPUs free (0 in use)");
    }

    [Fact]
    public void A_CPU_only_job_waits_for_cores_and_memory() =>
        Reason(PendingCause.WaitingForCapacity, gpus: 0, jobsAhead: 2, cpuMillicores: 1500, memoryMiB: 512).Describe()
            .Should().Be("needs 1.5 CPU cores and 512 MiB of memory on one node; no node has that much free now; 2 jobs ahead");

    [Fact]
    public void A_full_team_quota_shows_its_GPU_use() =>
        Reason(PendingCause.TeamQuotaFull, gpus: 2, jobsAhead: 5, inUseGpus: 8).Describe()
            .Should().Be("needs 2 GPUs; team vision has 0 of its 8 GPUs free (8 in use); 5 jobs ahead");

    [Fact]
    public void A_CPU_only_team_shows_its_core_use()
    {
        var reason = new PendingReason(
            PendingCause.TeamQuotaFull,
            new ResourceRequest(0, 4000, 1024),
            0,
            new ResourceAmount(0, 12_000, 0),
            new ResourceAmount(0, 16_000, 0));

        reason.Describe().Should().Be("needs 4 CPU cores; the team has 4 of its 16 CPU cores free (12 in use)");
    }

    [Fact]
    public void Held_for_a_reservation_names_the_job_it_is_held_for() =>
        Reason(PendingCause.HeldForReservation, gpus: 2, jobsAhead: 1, blocking: new JobId(7)).Describe()
            .Should().Be("needs 2 GPUs on one node; the capacity free now is held for job 7, which starts first; 1 job ahead");

    [Fact]
    public void Waiting_for_reclaim_names_the_need() =>
        Reason(PendingCause.WaitingForReclaim, gpus: 4).Describe().Should().Be("needs 4 GPUs on one node; borrowed capacity is being taken back (preempted) for it");

    [Theory]
    [InlineData(1000, "needs 1 CPU core; team cpu has 1 of its 1 CPU core free (0 in use)")]
    [InlineData(2000, "needs 2 CPU cores; team cpu has 1 of its 1 CPU core free (0 in use)")]
    public void One_core_is_singular(long cpuMillicores, string expected) =>
        new PendingReason(PendingCause.TeamQuotaFull, new ResourceRequest(0, cpuMillicores, 0), 0, ResourceAmount.Zero, new ResourceAmount(0, 1000, 0), Team: "cpu")
            .Describe().Should().Be(expected);

    [Fact]
    public void A_team_out_of_memory_shows_its_memory_room()
    {
        var reason = new PendingReason(
            PendingCause.TeamQuotaFull, new ResourceRequest(0, 1000, 32 * 1024), 0, new ResourceAmount(0, 0, 56 * 1024), new ResourceAmount(0, 0, 64 * 1024), Team: "vision");

        reason.Describe().Should().Be("needs 32 GiB of memory; team vision has 8 GiB of its 64 GiB of memory free (56 GiB in use)");
    }

    [Fact]
    public void Waiting_for_a_provisioned_node_names_the_need_and_the_pool() =>
        (Reason(PendingCause.WaitingForProvisioning, gpus: 8) with { Pool = "burst" }).Describe()
            .Should().Be("needs 8 GPUs on one node; a node is being provisioned for it in pool burst");

    [Fact]
    public void The_text_form_is_the_description()
    {
        var reason = Reason(PendingCause.TeamQuotaFull, gpus: 2, inUseGpus: 6);

        reason.ToString().Should().Be(reason.Describe());
    }
}
