using System.Collections.Immutable;
using Dashboard.Scheduling.Model;
using Dashboard.Scheduling.Planning;
using Dashboard.Scheduling.Tests.Builders;

namespace Dashboard.Scheduling.Tests.Planning;

public sealed class FairShareTests
{
    private static readonly TimeSpan Week = TimeSpan.FromDays(7);

    [Theory]
    [InlineData(0, 1000)]
    [InlineData(7, 500)]
    [InlineData(14, 250)]
    [InlineData(21, 125)]
    [InlineData(3.5, 707.10678118654755)]
    public void Usage_halves_every_half_life(double days, double expected) =>
        FairShare.Decay(1000, TimeSpan.FromDays(days), Week).Should().BeApproximately(expected, 1e-9);

    [Fact]
    public void Negative_elapsed_time_does_not_grow_usage() =>
        FairShare.Decay(1000, TimeSpan.FromHours(-5), Week).Should().Be(1000);

    [Fact]
    public void A_zero_half_life_forgets_everything_at_once()
    {
        FairShare.Decay(1000, TimeSpan.FromSeconds(1), TimeSpan.Zero).Should().Be(0);
        FairShare.Decay(1000, TimeSpan.Zero, TimeSpan.Zero).Should().Be(1000);
    }

    [Fact]
    public void Decaying_to_a_later_time_decays_both_dimensions_and_moves_the_as_of_time()
    {
        var usage = new TeamUsage("a", 800, 400, Time.Now);

        var decayed = FairShare.DecayTo(usage, Time.Now + Week, Week);

        decayed.Should().Be(new TeamUsage("a", 400, 200, Time.Now + Week));
    }

    [Fact]
    public void Decaying_to_an_earlier_time_changes_nothing()
    {
        var usage = new TeamUsage("a", 800, 400, Time.Now);

        FairShare.DecayTo(usage, Time.Now.AddDays(-1), Week).Should().BeSameAs(usage);
        FairShare.DecayTo(usage, Time.Now, Week).Should().BeSameAs(usage);
    }

    [Fact]
    public void An_allocation_held_GPU_seconds_and_core_seconds()
    {
        var allocation = Allocation(gpus: 4, cpuMillicores: 2500, start: Time.Now);

        FairShare.Held(allocation, Time.Now.AddHours(1)).Should().Be((4 * 3600.0, 2.5 * 3600.0));
    }

    [Fact]
    public void An_allocation_that_ends_before_it_starts_held_nothing()
    {
        var allocation = Allocation(gpus: 4, cpuMillicores: 2500, start: Time.Now);

        FairShare.Held(allocation, Time.Now.AddHours(-1)).Should().Be((0.0, 0.0));
    }

    [Fact]
    public void Accruing_decays_the_old_usage_to_the_end_and_adds_what_was_held()
    {
        var usage = new TeamUsage("a", 1000, 100, Time.Now - Week);
        var allocation = Allocation(gpus: 2, cpuMillicores: 1000, start: Time.Now.AddSeconds(-100));

        var accrued = FairShare.Accrue(usage, allocation, Time.Now, Week);

        accrued.Team.Should().Be("a");
        accrued.AsOf.Should().Be(Time.Now);
        accrued.GpuSeconds.Should().BeApproximately(500 + 200, 1e-9);
        accrued.CpuSeconds.Should().BeApproximately(50 + 100, 1e-9);
    }

    [Fact]
    public void A_team_with_no_usage_stands_at_zero() =>
        FairShare.Standing(null, Quota(weight: 2), Time.Now, Week).Should().Be(0);

    [Fact]
    public void Standing_is_decayed_GPU_seconds_per_unit_of_weight()
    {
        var usage = new TeamUsage("a", 1000, 99_999, Time.Now - Week);

        FairShare.Standing(usage, Quota(weight: 4), Time.Now, Week).Should().BeApproximately(125, 1e-9);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void A_weight_that_is_not_positive_counts_as_one(double weight)
    {
        var usage = new TeamUsage("a", 1000, 0, Time.Now);

        FairShare.Standing(usage, Quota(weight), Time.Now, Week).Should().Be(1000);
    }

    [Fact]
    public void A_team_without_quota_has_weight_one() =>
        FairShare.Standing(new TeamUsage("a", 1000, 0, Time.Now), null, Time.Now, Week).Should().Be(1000);

    private static TeamQuota Quota(double weight) => new("a", new ResourceAmount(8, 64_000, 512 * 1024), ResourceAmount.Zero, weight);

    private static GpuAllocation Allocation(int gpus, long cpuMillicores, DateTimeOffset start) =>
        new(new JobId(1), "n1", Enumerable.Range(0, gpus).ToImmutableArray(), cpuMillicores, 1024, start, null);
}
