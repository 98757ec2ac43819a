using Dashboard.Scheduling.Model;
using Dashboard.Scheduling.Tests.Builders;
using static Dashboard.Scheduling.Tests.Builders.ClusterBuilder;

namespace Dashboard.Scheduling.Tests.Planning;

/// <summary>Step 3: a job is admitted within nominal quota, or by borrowing up to the ceiling, or waits for quota.</summary>
public sealed class SchedulerAdmissionTests
{
    private static ClusterBuilder SixteenGpus() => Cluster().Node("n1", gpus: 8).Node("n2", gpus: 8);

    [Fact]
    public void A_job_within_nominal_quota_starts_without_borrowing()
    {
        var plan = SixteenGpus().Team("a", nominalGpus: 8, borrowGpus: 8).Running(9, "a", "n1", [0, 1, 2, 3]).Pending(1, "a", gpus: 4).Plan();

        plan.StartOf(1).Borrowing.Should().BeFalse();
    }

    [Fact]
    public void A_job_beyond_nominal_but_within_the_ceiling_starts_borrowing()
    {
        var plan = SixteenGpus().Team("a", nominalGpus: 4, borrowGpus: 4).Running(9, "a", "n1", [0, 1, 2, 3]).Pending(1, "a", gpus: 2).Plan();

        plan.StartOf(1).Borrowing.Should().BeTrue();
    }

    [Fact]
    public void A_job_beyond_the_ceiling_waits_for_quota()
    {
        var plan = SixteenGpus()
            .Team("a", nominalGpus: 4, borrowGpus: 4)
            .Running(9, "a", "n1", [0, 1, 2, 3, 4, 5, 6, 7], borrowing: true)
            .Pending(1, "a", gpus: 1)
            .Plan();

        plan.Starts.Should().BeEmpty();
        var reason = plan.ExplanationOf(1).Reason;
        reason.Cause.Should().Be(PendingCause.TeamQuotaFull);
        reason.TeamInUse.Gpus.Should().Be(8);
        reason.TeamCeiling.Gpus.Should().Be(8);
        reason.Describe().Should().Be("needs 1 GPU; team a has 0 of its 8 GPUs free (8 in use)");
    }

    [Fact]
    public void Jobs_started_earlier_in_the_same_plan_count_against_the_quota()
    {
        var plan = SixteenGpus()
            .Team("a", nominalGpus: 4)
            .Pending(1, "a", gpus: 2)
            .Pending(2, "a", gpus: 2)
            .Pending(3, "a", gpus: 2)
            .Plan();

        plan.StartedIds().Should().Equal(1, 2);
        plan.ExplanationOf(3).Reason.Cause.Should().Be(PendingCause.TeamQuotaFull);
        plan.ExplanationOf(3).Reason.TeamInUse.Gpus.Should().Be(4);
    }

    [Fact]
    public void The_first_job_fills_nominal_quota_and_the_next_one_borrows()
    {
        var plan = SixteenGpus()
            .Team("a", nominalGpus: 4, borrowGpus: 4)
            .Pending(1, "a", gpus: 4)
            .Pending(2, "a", gpus: 4)
            .Pending(3, "a", gpus: 1)
            .Plan();

        plan.Starts.Select(s => (s.Job.Id.Value, s.Borrowing)).Should().Equal((1L, false), (2L, true));
        plan.ExplanationOf(3).Reason.Cause.Should().Be(PendingCause.TeamQuotaFull);
    }

    [Fact]
    public void Borrowing_jobs_already_running_count_as_in_use()
    {
        var plan = SixteenGpus()
            .Team("a", nominalGpus: 4, borrowGpus: 4)
            .Running(8, "a", "n1", [0, 1, 2, 3])
            .Running(9, "a", "n1", [4, 5], borrowing: true)
            .Pending(1, "a", gpus: 2)
            .Pending(2, "a", gpus: 1)
            .Plan();

        plan.StartOf(1).Borrowing.Should().BeTrue();
        plan.ExplanationOf(2).Reason.Cause.Should().Be(PendingCause.TeamQuotaFull);
    }

    [Fact]
    public void CPU_beyond_the_ceiling_waits_for_quota_even_without_GPUs()
    {
        var plan = SixteenGpus()
            .Team("a", nominalGpus: 8, nominalCpuCores: 16, borrowCpuCores: 0)
            .Running(9, "a", "n1", [], cpuCores: 12)
            .Pending(1, "a", gpus: 0, cpuCores: 8)
            .Plan();

        plan.Starts.Should().BeEmpty();
        var reason = plan.ExplanationOf(1).Reason;
        reason.Cause.Should().Be(PendingCause.TeamQuotaFull);
        reason.TeamInUse.CpuMillicores.Should().Be(12_000);
        reason.TeamCeiling.CpuMillicores.Should().Be(16_000);
    }

    [Fact]
    public void A_job_blocked_by_CPU_quota_is_told_about_CPU_not_GPUs()
    {
        // The team has 8 GPUs of quota and uses none of them; it is out of CPU. "team a has 8 of its 8 GPUs free"
        // would send the person looking for a GPU problem that does not exist.
        var plan = SixteenGpus()
            .Team("a", nominalGpus: 8, nominalCpuCores: 16, borrowCpuCores: 0)
            .Running(9, "a", "n1", [], cpuCores: 12)
            .Pending(1, "a", gpus: 1, cpuCores: 8)
            .Plan();

        plan.ExplanationOf(1).Reason.Describe().Should().Be("needs 8 CPU cores; team a has 4 of its 16 CPU cores free (12 in use)");
    }

    [Fact]
    public void Memory_beyond_nominal_makes_a_job_borrow()
    {
        var plan = SixteenGpus()
            .Team("a", nominalGpus: 8, nominalMemoryGiB: 64, borrowMemoryGiB: 64)
            .Running(9, "a", "n1", [0], memoryGiB: 60)
            .Pending(1, "a", gpus: 1, memoryGiB: 8)
            .Plan();

        plan.StartOf(1).Borrowing.Should().BeTrue();
    }

    [Fact]
    public void A_job_blocked_by_its_team_quota_does_not_block_other_teams()
    {
        var plan = SixteenGpus()
            .Team("a", nominalGpus: 2)
            .Team("b", nominalGpus: 8)
            .Running(9, "a", "n1", [0, 1])
            .Pending(1, "a", gpus: 2, priority: 10)
            .Pending(2, "b", gpus: 4, priority: 0)
            .Plan();

        plan.StartedIds().Should().Equal(2);
        plan.ExplanationOf(1).Reason.Cause.Should().Be(PendingCause.TeamQuotaFull);
    }

    [Fact]
    public void A_smaller_job_of_the_same_team_may_still_fit_the_quota()
    {
        var plan = SixteenGpus()
            .Team("a", nominalGpus: 4)
            .Running(9, "a", "n1", [0, 1])
            .Pending(1, "a", gpus: 4, priority: 5)
            .Pending(2, "a", gpus: 2, priority: 0)
            .Plan();

        plan.StartedIds().Should().Equal(2);
        plan.StartOf(2).Borrowing.Should().BeFalse();
        plan.ExplanationOf(1).Reason.Cause.Should().Be(PendingCause.TeamQuotaFull);
    }

    [Fact]
    public void The_explanation_shows_the_team_use_after_the_plan_and_its_ceiling()
    {
        var plan = SixteenGpus()
            .Team("a", nominalGpus: 4, borrowGpus: 2)
            .Pending(1, "a", gpus: 4)
            .Pending(2, "a", gpus: 4)
            .Plan();

        var reason = plan.ExplanationOf(2).Reason;
        reason.TeamInUse.Gpus.Should().Be(4);
        reason.TeamCeiling.Gpus.Should().Be(6);
        reason.Describe().Should().Be("needs 4 GPUs; team a has 2 of its 6 GPUs free (4 in use)");
    }
}
