using System.Security.Cryptography;
using System.Text;
using Dashboard.Scheduling.Model;
using Dashboard.Scheduling.Planning;
using Dashboard.Scheduling.Tests.Builders;

namespace Dashboard.Scheduling.Tests.Planning;

/// <summary>
/// Speed work must not change a single decision or explanation. The digests below were taken from the build before
/// the explanations became lazy (commit 5e0b780): every plan of the 1,000 random property scenarios (as played, and
/// again with every pending job explained) and of the six 2,000-job busy clusters, as <see cref="PlanText"/> lines
/// (starts, refusals, preemptions, and every waiting job's estimate, cause, jobs ahead, quota figures, blocking job,
/// reservation and sentence). A change that is meant to alter plans must say so by updating these digests.
/// Updated for issue 20 (aging and the starvation bound, placement by busy horizon, reclaim at least cost with a minimum
/// run and a loss limit, estimates from run-time predictions; the random scenarios also draw whether reclaim is limited).
/// </summary>
public sealed class PlanDigestTests
{
    private const string RandomScenariosDigest = "38946926417EB0F5DEECDA9B998D6D9366EC9CDE";
    private const string BusyClustersDigest = "44A6A30410D7CD849AEE1CA247DC28A6E1D3806F";

    [Fact]
    public void Plans_of_the_random_scenarios_are_those_of_the_build_before_the_speed_work()
    {
        using var digest = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Scenarios.Check(scenario => ScenarioPlayer.Play(scenario, step =>
        {
            Add(digest, step.Plan);
            Add(digest, Scheduler.Plan(step.Before with { Settings = step.Before.Settings with { ExplainAllPending = true } }, step.Now));
        }), seed: 23);

        Convert.ToHexString(digest.GetHashAndReset())[..40].Should().Be(RandomScenariosDigest);
    }

    [Fact]
    public void Plans_of_the_busy_clusters_are_those_of_the_build_before_the_speed_work()
    {
        using var digest = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        for (var seed = 1; seed <= 6; seed++)
        {
            var (full, now) = StartEstimatorTests.BusyCluster(seed);
            Add(digest, Scheduler.Plan(full, now));
            Add(digest, Scheduler.Plan(full with { Settings = full.Settings with { ExplainAllPending = false, BackfillDepth = 3 } }, now));
        }

        Convert.ToHexString(digest.GetHashAndReset())[..40].Should().Be(BusyClustersDigest);
    }

    private static void Add(IncrementalHash digest, SchedulePlan plan)
    {
        foreach (var line in PlanText.Lines(plan))
        {
            digest.AppendData(Encoding.UTF8.GetBytes(line));
            digest.AppendData("\n"u8);
        }

        digest.AppendData("--\n"u8);
    }
}
