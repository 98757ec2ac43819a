using Dashboard.Engine.Sessions;
using Dashboard.Engine.Usage;
using Dashboard.Scheduling.Model;

namespace Dashboard.Engine.Tests.Sessions;

/// <summary>The idle policy's rule, on readings parsed from nvidia-smi fixtures and on a clock the tests move.</summary>
public sealed class IdleRuleTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 6, 9, 0, 0, TimeSpan.Zero);
    private static readonly IdlePolicyOptions Policy = new() { IdleMinutes = 45, GraceMinutes = 15, UtilisationPercent = 5 };

    private static readonly JobGpuReading[] IdleGpus = [new(0, 0, 3, false), new(2, 4, 81, false)];

    [Fact]
    public void The_utilisation_fixtures_read_per_gpu_and_skip_a_gpu_without_a_reading()
    {
        var plain = NvidiaSmiUtilisationParser.Parse(File.ReadAllText(Path.Combine("Fixtures", "nvidia-smi-utilisation-four-gpus.csv")));
        var units = NvidiaSmiUtilisationParser.Parse(File.ReadAllText(Path.Combine("Fixtures", "nvidia-smi-utilisation-with-units.csv")));

        plain.Should().BeEquivalentTo(new Dictionary<int, GpuReading> { [0] = new(0, 3), [1] = new(97, 40321), [2] = new(4, 81) });
        units.Should().BeEquivalentTo(new Dictionary<int, GpuReading> { [0] = new(0, 3), [1] = new(97, 40321) });
    }

    [Fact]
    public void An_idle_session_is_warned_after_the_idle_minutes_then_stopped_after_the_grace()
    {
        var state = new IdleState(Start, null, false, false);

        var (early, afterEarly) = IdleRule.Judge(state, Policy, session: true, IdleGpus, null, Start.AddMinutes(44));
        var (warn, afterWarn) = IdleRule.Judge(afterEarly, Policy, session: true, IdleGpus, null, Start.AddMinutes(45));
        var (wait, afterWait) = IdleRule.Judge(afterWarn, Policy, session: true, IdleGpus, null, Start.AddMinutes(59));
        var (stop, afterStop) = IdleRule.Judge(afterWait, Policy, session: true, IdleGpus, null, Start.AddMinutes(60));
        var (again, _) = IdleRule.Judge(afterStop, Policy, session: true, IdleGpus, null, Start.AddMinutes(61));

        new[] { early, warn, wait, stop, again }.Should().Equal(IdleVerdict.Idle, IdleVerdict.Warn, IdleVerdict.Idle, IdleVerdict.Stop, IdleVerdict.Idle);
        IdleRule.Message(warn, new JobId(7), true, 2, TimeSpan.FromMinutes(45), Policy)
            .Should().Be("Your session 7 holds 2 GPUs idle for 45 min; it stops in 15 min unless you use it.");
    }

    [Fact]
    public void Browser_traffic_or_a_busy_gpu_after_the_warning_clears_it()
    {
        var warned = new IdleState(Start, Start.AddMinutes(45), false, false);

        var (afterTraffic, trafficState) = IdleRule.Judge(warned, Policy, session: true, IdleGpus, Start.AddMinutes(50), Start.AddMinutes(51));
        var (afterBusy, busyState) = IdleRule.Judge(warned, Policy, session: true, [new(0, 60, 1000, false)], null, Start.AddMinutes(51));
        var (later, _) = IdleRule.Judge(trafficState, Policy, session: true, IdleGpus, null, Start.AddMinutes(80));

        afterTraffic.Should().Be(IdleVerdict.Active);
        trafficState.WarnedAt.Should().BeNull();
        afterBusy.Should().Be(IdleVerdict.Active);
        busyState.LastActive.Should().Be(Start.AddMinutes(51));
        later.Should().Be(IdleVerdict.Idle, "45 minutes have not passed since the traffic at minute 50");
    }

    [Fact]
    public void Traffic_does_not_keep_a_batch_job_active_and_an_idle_batch_job_is_flagged_once_not_stopped()
    {
        var state = new IdleState(Start, null, false, false);

        var (flag, flagged) = IdleRule.Judge(state, Policy, session: false, IdleGpus, Start.AddMinutes(40), Start.AddMinutes(46));
        var (later, _) = IdleRule.Judge(flagged, Policy, session: false, IdleGpus, null, Start.AddMinutes(200));
        var (stopPolicyWarn, warned) = IdleRule.Judge(state, new IdlePolicyOptions { IdleMinutes = 45, GraceMinutes = 15, UtilisationPercent = 5, StopBatchJobs = true }, false, IdleGpus, null, Start.AddMinutes(46));

        flag.Should().Be(IdleVerdict.Flag);
        later.Should().Be(IdleVerdict.Idle, "a batch job is flagged once and never stopped by this policy");
        stopPolicyWarn.Should().Be(IdleVerdict.Warn, "a policy that stops batch jobs warns them first");
        warned.WarnedAt.Should().Be(Start.AddMinutes(46));
    }

    [Fact]
    public void A_policy_with_zero_idle_minutes_never_acts()
    {
        var (verdict, _) = IdleRule.Judge(new IdleState(Start, null, false, false), new IdlePolicyOptions { IdleMinutes = 0 }, true, IdleGpus, null, Start.AddDays(3));

        verdict.Should().Be(IdleVerdict.Idle);
    }
}
