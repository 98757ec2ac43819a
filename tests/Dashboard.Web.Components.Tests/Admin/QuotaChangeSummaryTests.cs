using Dashboard.Scheduling.Model;
using Dashboard.Scheduling.Planning;
using Dashboard.Web.Admin;

namespace Dashboard.Web.Components.Tests.Admin;

public sealed class QuotaChangeSummaryTests
{
    private static readonly TeamQuota Before = new("vision", new ResourceAmount(12, 64_000, 512 * 1024), new ResourceAmount(8, 1000, 0));

    private static string Summary(TeamQuota? before, TeamQuota after) =>
        PendingQuotaChange.Describe(new QuotaChangeEffect("vision", before, after, [], [], ResourceAmount.Zero, []));

    [Fact]
    public void A_changed_nominal_quota_also_says_how_the_ceiling_moves() =>
        Summary(Before, Before with { Nominal = Before.Nominal with { Gpus = 6 } })
            .Should().Be("nominal GPUs 12 → 6; ceiling GPUs 20 → 14.");

    [Fact]
    public void A_borrowing_limit_of_one_core_is_singular_and_moves_the_ceiling() =>
        Summary(Before, Before with { BorrowingLimit = Before.BorrowingLimit with { CpuMillicores = 2000 } })
            .Should().Be("borrowing limit CPU 1 core → 2 cores; ceiling CPU 65 cores → 66 cores.");

    [Fact]
    public void A_new_team_reads_its_ceiling_too() =>
        Summary(null, Before with { BorrowingLimit = new ResourceAmount(1, 1000, 1024) })
            .Should().Be("New quota: nominal 12 GPUs, 64 cores, 512 GiB; borrowing limit 1 GPU, 1 core, 1 GiB; ceiling (most it may hold) 13 GPUs, 65 cores, 513 GiB; weight 1; max priority 1000.");
}
