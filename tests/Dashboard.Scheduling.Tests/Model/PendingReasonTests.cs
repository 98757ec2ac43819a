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
            blocking);

    [Fact]
    public void Waiting_for_GPUs_names_the_need_the_quota_use_and_the_jobs_ahead() =>
        Reason(PendingCause.WaitingForCapacity, gpus: 4, jobsAhead: 3, inUseGpus: 8).Describe()
            .Should().Be("waiting for 4 GPUs on one node; team quota 8/8 GPUs in use; 3 jobs ahead");

    [Fact]
    public void One_GPU_and_one_job_ahead_are_singular() =>
        Reason(PendingCause.WaitingForCapacity, gpus: 1, jobsAhead: 1, inUseGpus: 2).Describe()
            .Should().Be("waiting for 1 GPU on one node; team quota 2/8 GPUs in use; 1 job ahead");

    [Fact]
    public void No_jobs_ahead_says_nothing_about_them() =>
        Reason(PendingCause.WaitingForCapacity, gpus: 2).Describe().Should().Be("waiting for 2 GPUs on one node; team quota 0/8 GPUs in use");

    [Fact]
    public void A_GPU_model_is_named()
    {
        Reason(PendingCause.WaitingForCapacity, gpus: 2, model: "A100").Describe()
            .Should().Be("waiting for 2 A100 GPUs on one node; team quota 0/8 GPUs in use");
        Reason(PendingCause.WaitingForCapacity, gpus: 1, model: "A100").Describe()
            .Should().Be("waiting for 1 A100 GPU on one node; team quota 0/8 GPUs in use");
    }

    [Fact]
    public void A_CPU_only_job_waits_for_cores_and_memory() =>
        Reason(PendingCause.WaitingForCapacity, gpus: 0, jobsAhead: 2, cpuMillicores: 1500, memoryMiB: 512).Describe()
            .Should().Be("waiting for 1.5 CPU cores and 512 MiB on one node; 2 jobs ahead");

    [Fact]
    public void A_full_team_quota_shows_its_GPU_use() =>
        Reason(PendingCause.TeamQuotaFull, gpus: 2, jobsAhead: 5, inUseGpus: 8).Describe()
            .Should().Be("team quota 8/8 GPUs in use; 5 jobs ahead");

    [Fact]
    public void A_CPU_only_team_shows_its_core_use()
    {
        var reason = new PendingReason(
            PendingCause.TeamQuotaFull,
            new ResourceRequest(0, 4000, 1024),
            0,
            new ResourceAmount(0, 12_000, 0),
            new ResourceAmount(0, 16_000, 0));

        reason.Describe().Should().Be("team quota 12/16 CPU cores in use");
    }

    [Fact]
    public void Held_for_a_reservation_names_the_job_it_is_held_for() =>
        Reason(PendingCause.HeldForReservation, gpus: 2, jobsAhead: 1, blocking: new JobId(7)).Describe()
            .Should().Be("free capacity is held for job 7 which starts first; 1 job ahead");

    [Fact]
    public void Waiting_for_reclaim_names_the_need() =>
        Reason(PendingCause.WaitingForReclaim, gpus: 4).Describe().Should().Be("reclaiming borrowed capacity for 4 GPUs on one node");

    [Fact]
    public void The_text_form_is_the_description()
    {
        var reason = Reason(PendingCause.TeamQuotaFull, gpus: 2, inUseGpus: 6);

        reason.ToString().Should().Be(reason.Describe());
    }
}
