using Dashboard.Scheduling.Model;
using Dashboard.Scheduling.Replays;
using Dashboard.Scheduling.Tests.Builders;

namespace Dashboard.Scheduling.Tests.Replays;

public sealed class QuotaReplayTests
{
    /// <summary>One 8-GPU node, 4 GPUs guaranteed to each team; team a may not borrow today, so its second 4-GPU job waits for its first.</summary>
    private static readonly ClusterSnapshot Today = ClusterBuilder.Cluster().Node("n1", gpus: 8).Team("a", nominalGpus: 4).Team("b", nominalGpus: 4).Build();

    private static ReplayJob Recorded(long id, string team, int gpus, double submitMinutes, double runMinutes) =>
        new(Jobs.Job(id, team, gpus, walltime: TimeSpan.FromHours(2), submittedAt: Time.Epoch.AddMinutes(submitMinutes)), TimeSpan.FromMinutes(runMinutes));

    private static readonly ReplayJob[] Month = [Recorded(1, "a", 4, 0, 60), Recorded(2, "a", 4, 1, 60), Recorded(3, "b", 2, 130, 30)];

    [Fact]
    public void Letting_a_team_borrow_shortens_its_waits_and_the_other_teams_figures_stay()
    {
        var proposed = new TeamQuota("a", new ResourceAmount(4, 100_000_000, 1_000_000_000), new ResourceAmount(4, 0, 0));

        var rows = QuotaReplay.Compare(Today, Month, [proposed]);

        rows.Select(r => r.Team).Should().Equal("a", "b");
        var a = rows[0];
        a.Before.MeanWaitSeconds.Should().Be((0 + (59 * 60)) / 2.0, "job 2 waited from minute 1 to minute 60");
        a.After.MeanWaitSeconds.Should().Be(0);
        a.Before.GpuHours.Should().Be(8);
        a.After.GpuHours.Should().Be(8);
        rows[1].After.Should().Be(rows[1].Before);
    }

    [Fact]
    public void The_same_quotas_replay_to_the_same_figures()
    {
        var rows = QuotaReplay.Compare(Today, Month, Today.Quotas);

        rows.Should().OnlyContain(r => r.Before == r.After);
    }

    [Fact]
    public void Two_proposals_for_one_team_are_refused()
    {
        var compare = () => QuotaReplay.Compare(Today, Month, [Today.Quotas[0], Today.Quotas[0]]);

        compare.Should().Throw<ArgumentException>().WithMessage("*two proposed quotas*");
    }
}
