using Dashboard.Data.UsageHistory;
using Dashboard.Data.Writing;
using Dashboard.Scheduling.Model;
using static Dashboard.Data.Tests.TestCluster;

namespace Dashboard.Data.Tests.UsageHistory;

/// <summary>Issue 20: the work preempted runs threw away is kept (db/0007) and read per team or member for a range.</summary>
public sealed class PreemptionLossTests : StoreTest
{
    private readonly UsageHistoryStore store;

    public PreemptionLossTests() => store = new UsageHistoryStore(Database);

    private static string TeamKey(string team, string? user) => user is null ? team : $"{team}/{user}";

    /// <summary>
    /// Job 1 (2 GPUs) is preempted after 30 minutes, restarts and is preempted again after 15; job 2 (1 GPU) is
    /// cancelled after an hour (not a loss); job 3 (team nlp) is preempted after 2 hours.
    /// </summary>
    private void RecordRuns()
    {
        Writer.Write([new NodeUpserted(Node("n1"), Now), new QuotaSet(Quota("vision"), Now), new QuotaSet(Quota("nlp"), Now)]);
        var changes = new List<ClusterChange>();
        void Run(long id, int[] gpus, DateTimeOffset start, DateTimeOffset end, JobState endsAs, string reason)
        {
            changes.Add(new JobStateChanged(new JobId(id), JobState.Pending, JobState.Running, start));
            changes.Add(new AllocationMade(Allocation(id, "n1", start, gpus), true));
            changes.Add(new AllocationReleased(new JobId(id), end));
            changes.Add(new JobStateChanged(new JobId(id), JobState.Running, endsAs, end, reason));
        }

        changes.Add(new JobSubmitted(Job(1, Now.AddMinutes(-5), gpus: 2)));
        changes.Add(new JobSubmitted(Job(2, Now.AddMinutes(-5))));
        changes.Add(new JobSubmitted(Job(3, Now.AddMinutes(-5), team: "nlp")));
        Run(1, [0, 1], Now, Now.AddMinutes(30), JobState.Pending, "preempted: team nlp reclaims its nominal quota");
        Run(1, [0, 1], Now.AddHours(1), Now.AddHours(1).AddMinutes(15), JobState.Pending, "preempted: team nlp reclaims its nominal quota");
        Run(2, [2], Now, Now.AddHours(1), JobState.Cancelled, "cancelled by ada");
        Run(3, [3], Now, Now.AddHours(2), JobState.Pending, "preempted: team vision reclaims its nominal quota");
        Writer.Write(changes);
    }

    [Fact]
    public void Each_preempted_run_counts_its_GPUs_times_the_time_it_ran_and_a_cancel_counts_nothing()
    {
        RecordRuns();

        var lost = store.LostGpuHours(new JobFilter(null), byUser: false, Now, Now.AddHours(3), TeamKey);

        lost.Should().BeEquivalentTo(new Dictionary<string, double> { ["vision"] = (2 * 0.5) + (2 * 0.25), ["nlp"] = 2.0 });
    }

    [Fact]
    public void Losses_are_read_for_the_range_they_were_stopped_in_per_member_and_only_for_the_teams_asked()
    {
        RecordRuns();

        store.LostGpuHours(new JobFilter(["vision"]), byUser: true, Now, Now.AddHours(1), TeamKey)
            .Should().BeEquivalentTo(new Dictionary<string, double> { ["vision/ada"] = 1.0 }, "only the first preemption is in the first hour");
        store.LostGpuHours(new JobFilter(["vision"], "someone-else"), byUser: false, Now, Now.AddHours(3), TeamKey).Should().BeEmpty();
        store.LostGpuHours(new JobFilter([]), byUser: false, Now, Now.AddHours(3), TeamKey).Should().BeEmpty();
    }
}
