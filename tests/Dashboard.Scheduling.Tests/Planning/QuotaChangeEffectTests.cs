using Dashboard.Scheduling.Model;
using Dashboard.Scheduling.Planning;
using Dashboard.Scheduling.Tests.Builders;
using static Dashboard.Scheduling.Tests.Builders.ClusterBuilder;

namespace Dashboard.Scheduling.Tests.Planning;

public sealed class QuotaChangeEffectTests
{
    /// <summary>
    /// Team a runs three 2-GPU jobs (1 oldest, then 3, then 2) under a nominal quota of 8 GPUs; team b runs one
    /// 2-GPU job. Each row: the new nominal and borrowing GPUs of team a, the jobs that become borrowing, the jobs
    /// that stop borrowing (job 2 starts borrowing when <c>startBorrowing</c>), and the first line of the text.
    /// </summary>
    public static TheoryData<int, int, bool, long[], long[], string> Changes() => new()
    {
        { 8, 0, false, [], [], "No running job of team a changes; the new quota applies from the next scheduling pass." },
        { 4, 4, false, [2], [], "1 running job of team a will become borrowing and preemptible (job 2). They keep running: a quota change never stops a job." },
        { 2, 6, false, [2, 3], [], "2 running jobs of team a will become borrowing and preemptible (jobs 2, 3). They keep running: a quota change never stops a job." },
        { 0, 8, false, [1, 2, 3], [], "3 running jobs of team a will become borrowing and preemptible (jobs 1, 2, 3). They keep running: a quota change never stops a job." },
        { 6, 0, true, [], [2], "1 running job of team a will stop borrowing and no longer be preemptible (job 2)." },
        { 4, 4, true, [], [], "No running job of team a changes; the new quota applies from the next scheduling pass." },
    };

    [Theory]
    [MemberData(nameof(Changes))]
    public void Compares_each_running_job_before_and_after_the_change(int nominal, int borrow, bool startBorrowing, long[] become, long[] stop, string first)
    {
        var snapshot = TeamAWithThreeJobs(nominalGpus: startBorrowing ? 4 : 8, job2Borrowing: startBorrowing);

        var effect = QuotaChangeEffect.Of(snapshot, Quota("a", nominal, borrow));

        effect.BecomeBorrowing.Select(r => r.Job.Id.Value).Should().Equal(become);
        effect.StopBorrowing.Select(r => r.Job.Id.Value).Should().Equal(stop);
        effect.Lines.Should().HaveCount(1).And.HaveElementAt(0, first);
        effect.InUse.Gpus.Should().Be(6, "only team a's jobs count");
    }

    [Fact]
    public void Lowering_a_quota_below_use_stops_nothing_and_matches_the_transition()
    {
        var snapshot = TeamAWithThreeJobs(nominalGpus: 8, job2Borrowing: false);
        var lower = Quota("a", nominalGpus: 2, borrowGpus: 6);

        var effect = QuotaChangeEffect.Of(snapshot, lower);
        var after = ClusterTransitions.SetQuota(snapshot, lower);

        after.Running.Should().HaveCount(snapshot.Running.Length, "no job is stopped by a quota change");
        after.Running.Where(r => r.Job.Team == "a" && r.Borrowing).Select(r => r.Job.Id.Value).Order()
            .Should().Equal(effect.BecomeBorrowing.Select(r => r.Job.Id.Value).Order());
        effect.Lines.Should().ContainSingle().Which.Should().Contain("keep running");
    }

    [Fact]
    public void Use_above_the_new_ceiling_says_the_jobs_keep_running_and_nothing_new_starts()
    {
        var snapshot = TeamAWithThreeJobs(nominalGpus: 8, job2Borrowing: false);

        var effect = QuotaChangeEffect.Of(snapshot, Quota("a", nominalGpus: 2, borrowGpus: 0));

        effect.BecomeBorrowing.Should().HaveCount(2);
        effect.Lines.Should().HaveCount(2);
        effect.Lines[1].Should().Be(
            "Team a holds 6 GPUs, 6 cores, 6 GiB, more than its new ceiling (nominal + borrowing limit) of 2 GPUs, 100000 cores, 1000000 GiB: "
            + "its running jobs keep running, and nothing new of the team starts until its use falls below the ceiling.");
    }

    [Fact]
    public void A_new_team_is_named_as_new_and_other_teams_are_left_alone()
    {
        var snapshot = TeamAWithThreeJobs(nominalGpus: 8, job2Borrowing: false);

        var effect = QuotaChangeEffect.Of(snapshot, Quota("c", nominalGpus: 4));

        effect.Previous.Should().BeNull();
        effect.ChangesNoRunningJob.Should().BeTrue();
        effect.Lines.Should().Equal("Team c is new: it gets this quota.");
    }

    [Fact]
    public void The_snapshot_is_left_untouched()
    {
        var snapshot = TeamAWithThreeJobs(nominalGpus: 8, job2Borrowing: false);
        var quotas = snapshot.Quotas;
        var running = snapshot.Running;

        _ = QuotaChangeEffect.Of(snapshot, Quota("a", nominalGpus: 0, borrowGpus: 8));

        snapshot.Quotas.Should().Equal(quotas);
        snapshot.Running.Should().Equal(running);
    }

    private static ClusterSnapshot TeamAWithThreeJobs(int nominalGpus, bool job2Borrowing) => Cluster()
        .Node("n1", gpus: 8)
        .Team("a", nominalGpus: nominalGpus, borrowGpus: 8)
        .Team("b", nominalGpus: 8)
        .Running(1, "a", "n1", [0, 1], cpuCores: 2, memoryGiB: 2, startedAt: Time.Now.AddHours(-3))
        .Running(2, "a", "n1", [2, 3], cpuCores: 2, memoryGiB: 2, startedAt: Time.Now.AddHours(-1), borrowing: job2Borrowing)
        .Running(3, "a", "n1", [4, 5], cpuCores: 2, memoryGiB: 2, startedAt: Time.Now.AddHours(-2))
        .Running(4, "b", "n1", [6, 7], startedAt: Time.Now.AddHours(-2))
        .Build();

    private static TeamQuota Quota(string team, int nominalGpus, int borrowGpus = 0) =>
        new(
            team,
            new ResourceAmount(nominalGpus, Cpu(GenerousCpuCores), GenerousMemoryGiB * Units.MiBPerGiB),
            new ResourceAmount(borrowGpus, 0, 0));
}
