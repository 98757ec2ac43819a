using System.Collections.Immutable;
using Dashboard.Engine.Usage;
using Dashboard.Scheduling.Model;

namespace Dashboard.Engine.Tests.Usage;

public sealed class UtilisationSamplingTests
{
    private static readonly DateTimeOffset Minute = new(2026, 11, 28, 10, 7, 0, TimeSpan.Zero);

    private static Node Node(string name, bool simulated, int gpus = 8) =>
        new(name, [.. Enumerable.Range(0, gpus).Select(i => new Gpu(i, "A100-80GB", 81_920))], 64_000, 512 * 1024, Simulated: simulated);

    private static RunningJob Running(long id, string team, string owner, string node, params int[] gpus) =>
        new(new Job(new JobId(id), new JobSpec("j", owner, team, "x", new ResourceRequest(gpus.Length, 4_000, 16_384)), Minute.AddHours(-1)),
            new GpuAllocation(new JobId(id), node, [.. gpus], 4_000, 16_384, Minute.AddMinutes(-30), null), false);

    [Fact]
    public void Sums_what_each_team_and_member_holds_with_measured_simulated_and_missing_readings_kept_apart()
    {
        var snapshot = ClusterSnapshot.Empty with
        {
            Nodes = [Node("demo-1", simulated: true), Node("gpu-box", simulated: false)],
            Running = [Running(1, "vision", "alice", "demo-1", 0, 1), Running(2, "vision", "lead", "gpu-box", 0), Running(3, "nlp", "bob", "gpu-box", 1, 2), Running(4, "vision", "alice", "gpu-box", 3)],
        };
        var measured = new Dictionary<(string, int), GpuReading> { [("gpu-box", 0)] = new(80, 40_000), [("gpu-box", 3)] = new(20, 1_000) };

        var samples = UtilisationSampling.Sample(snapshot, Minute, measured);

        var simulatedVision = samples.Teams.Single(s => s.Subject == "vision" && s.Simulated);
        simulatedVision.Gpus.Should().Be(2);
        simulatedVision.GpuUtilisationPct.Should().BeInRange(30, 100, "demo nodes report a simulated utilisation");
        var realVision = samples.Teams.Single(s => s.Subject == "vision" && !s.Simulated);
        (realVision.Gpus, realVision.CpuMillicores, realVision.MemoryMiB, realVision.GpuUtilisationPct, realVision.GpuMemoryUsedMiB)
            .Should().Be((2, 8_000L, 32_768L, 50.0, 41_000L));
        var nlp = samples.Teams.Single(s => s.Subject == "nlp");
        (nlp.Gpus, nlp.GpuUtilisationPct, nlp.GpuMemoryUsedMiB).Should().Be((2, (double?)null, (long?)null), "its GPUs reported nothing");
        samples.Members.Select(m => (m.Team, m.User, m.Simulated, m.Gpus)).Should().BeEquivalentTo(new[]
        {
            ("vision", "alice", true, 2), ("vision", "lead", false, 1), ("vision", "alice", false, 1), ("nlp", "bob", false, 2),
        });
        samples.Members.Should().OnlyContain(m => m.Minute == Minute);
    }

    [Fact]
    public void Simulated_readings_are_the_same_for_the_same_job_gpu_and_minute_and_stay_in_range()
    {
        var a = SimulatedGpuReadings.For(42, 3, Minute, 81_920);
        SimulatedGpuReadings.For(42, 3, Minute, 81_920).Should().Be(a);
        Enumerable.Range(1, 500).Select(j => SimulatedGpuReadings.For(j, 0, Minute.AddMinutes(j), 81_920))
            .Should().OnlyContain(r => r.UtilisationPct >= 0 && r.UtilisationPct <= 100 && r.MemoryUsedMiB > 0 && r.MemoryUsedMiB <= 81_920);
    }

    [Fact]
    public void Nvidia_smi_utilisation_lines_are_read_and_unsupported_values_skipped()
    {
        var readings = NvidiaSmiUtilisationParser.Parse("0, 87, 40960\n1, [N/A], 10\n2, 3 %, 512 MiB\nNo devices were found\n\n3, 120, 5\n");

        readings.Should().BeEquivalentTo(new Dictionary<int, GpuReading> { [0] = new(87, 40_960), [2] = new(3, 512) });
        NvidiaSmiUtilisationParser.Parse("").Should().BeEmpty();
    }

    [Fact]
    public void An_empty_cluster_gives_no_samples()
    {
        var samples = UtilisationSampling.Sample(ClusterSnapshot.Empty with { Nodes = [Node("n", false)] }, Minute, ImmutableDictionary<(string, int), GpuReading>.Empty);

        samples.Teams.Should().BeEmpty();
        samples.Members.Should().BeEmpty();
    }
}
