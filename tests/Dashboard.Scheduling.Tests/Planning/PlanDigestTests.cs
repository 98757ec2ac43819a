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
/// Each test also keeps a digest of the decisions alone (the same lines without the words people read: a waiting job's
/// sentence, a refusal's reason), so a change of wording alone (issue 21) shows as a new words digest with the
/// decisions digest unchanged. Updated for issue 21 (waiting reasons and refusals reworded: "needs 8 GPUs; team vision has
/// 4 of its 20 GPUs free (16 in use)"): the words digests changed, the decisions digests are those of the build before.
/// Updated for issue 20's no-thrash rule (a job preempted once is not preempted again, `MaxPreemptionsPerJob` 1): the
/// random scenarios' digests changed (their played streams requeue preempted jobs); with the limit off they are those of
/// the build before, and the busy clusters (nothing preempted before) are unchanged.
/// </summary>
public sealed class PlanDigestTests
{
    private const string RandomScenariosDigest = "8558D803896AD5B35F224AF95F15F2F3A27BF73A";
    private const string BusyClustersDigest = "56E44BA3DD785392AA2C7A663270788EA81D85C0";
    private const string RandomScenariosDecisionsDigest = "411DD92DD4D4C7941EC1AB0F9688B8B246C3207B";
    private const string BusyClustersDecisionsDigest = "81E376E02C85C677BE5B524E1F9A0A839B2C5117";

    [Fact]
    public void Plans_of_the_random_scenarios_are_those_of_the_build_before_the_speed_work()
    {
        using var digest = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var decisions = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Scenarios.Check(scenario => ScenarioPlayer.Play(scenario, step =>
        {
            Add(digest, decisions, step.Plan);
            Add(digest, decisions, Scheduler.Plan(step.Before with { Settings = step.Before.Settings with { ExplainAllPending = true } }, step.Now));
        }), seed: 23);

        Convert.ToHexString(decisions.GetHashAndReset())[..40].Should().Be(RandomScenariosDecisionsDigest);
        Convert.ToHexString(digest.GetHashAndReset())[..40].Should().Be(RandomScenariosDigest);
    }

    [Fact]
    public void Plans_of_the_busy_clusters_are_those_of_the_build_before_the_speed_work()
    {
        using var digest = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var decisions = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        for (var seed = 1; seed <= 6; seed++)
        {
            var (full, now) = StartEstimatorTests.BusyCluster(seed);
            Add(digest, decisions, Scheduler.Plan(full, now));
            Add(digest, decisions, Scheduler.Plan(full with { Settings = full.Settings with { ExplainAllPending = false, BackfillDepth = 3 } }, now));
        }

        Convert.ToHexString(decisions.GetHashAndReset())[..40].Should().Be(BusyClustersDecisionsDigest);
        Convert.ToHexString(digest.GetHashAndReset())[..40].Should().Be(BusyClustersDigest);
    }

    private static void Add(IncrementalHash digest, IncrementalHash decisions, SchedulePlan plan)
    {
        foreach (var line in PlanText.Lines(plan))
        {
            digest.AppendData(Encoding.UTF8.GetBytes(line));
            digest.AppendData("\n"u8);
            decisions.AppendData(Encoding.UTF8.GetBytes(WithoutWords(line)));
            decisions.AppendData("\n"u8);
        }

        digest.AppendData("--\n"u8);
        decisions.AppendData("--\n"u8);
    }

    /// <summary>A <see cref="PlanText"/> line without the words people read: a waiting job's sentence, a refusal's reason.</summary>
    private static string WithoutWords(string line) => line switch
    {
        _ when line.StartsWith("wait ", StringComparison.Ordinal) => line[..line.IndexOf(": ", line.IndexOf(']', StringComparison.Ordinal), StringComparison.Ordinal)],
        _ when line.StartsWith("refuse ", StringComparison.Ordinal) => line[..line.IndexOf(": ", StringComparison.Ordinal)],
        _ => line,
    };
}
