using System.Diagnostics.Metrics;
using Dashboard.Engine.Feed;
using Dashboard.Engine.Metrics;
using Dashboard.Scheduling.Model;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Engine.Tests.Loop;

/// <summary>
/// The engine takes the cheap pass for a batch of submits to a full cluster (nothing could start, be refused or be
/// preempted: see CheapPass) and the full pass for everything else; the jobs it left waiting start as room frees.
/// Which pass ran is read from the engine's own instruments.
/// </summary>
public sealed class CheapPassEngineTests
{
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    [Fact]
    public async Task Submits_to_a_full_cluster_take_the_cheap_pass_and_start_in_order_once_room_frees()
    {
        using var passes = new PassCounts();
        await using var engine = await EngineHarness.StartAsync([EngineHarness.SimulatedNode("sim1", gpus: 2)], metrics: passes.Metrics);
        var holder = await engine.SubmitAsync(EngineHarness.Spec(gpus: 2, walltime: Hour));
        await engine.WaitForStateAsync(holder, JobState.Running);
        var (full, cheap) = passes.Now;

        var waiting = new List<JobId>();
        for (var i = 0; i < 3; i++)
        {
            waiting.Add(await engine.SubmitAsync(EngineHarness.Spec(gpus: 1, walltime: Hour)));
        }

        passes.Now.Should().Be((full, cheap + 3), "each submit came in a batch of its own to a full cluster");
        var state = await engine.WaitForAsync(u => waiting.TrueForAll(j => u.Snapshot.Pending.Find(j) is not null));
        state.Snapshot.Running.Select(r => r.Job.Id).Should().Equal(holder);

        // A cancel is not a submit: the full pass runs, and the first two waiting jobs take the freed GPUs.
        (await engine.Engine.CancelAsync(holder, "alice").WaitAsync(EngineHarness.Patience)).Succeeded.Should().BeTrue();
        await engine.WaitForStateAsync(waiting[0], JobState.Running);
        var after = await engine.WaitForStateAsync(waiting[1], JobState.Running);
        after.Snapshot.Pending.Find(waiting[2]).Should().NotBeNull();
        passes.Now.Full.Should().BeGreaterThan(full);
    }

    [Fact]
    public async Task A_submit_that_fits_free_room_takes_the_full_pass_and_starts()
    {
        using var passes = new PassCounts();
        await using var engine = await EngineHarness.StartAsync([EngineHarness.SimulatedNode("sim1", gpus: 2)], metrics: passes.Metrics);
        await engine.WaitForStateAsync(await engine.SubmitAsync(EngineHarness.Spec(gpus: 1, walltime: Hour)), JobState.Running);
        var (full, cheap) = passes.Now;

        var second = await engine.SubmitAsync(EngineHarness.Spec(gpus: 1, walltime: Hour));

        await engine.WaitForStateAsync(second, JobState.Running);
        passes.Now.Should().Be((full + 1, cheap));
    }

    [Fact]
    public async Task A_CPU_only_submit_to_a_full_cluster_takes_the_full_pass_and_starts()
    {
        using var passes = new PassCounts();
        await using var engine = await EngineHarness.StartAsync([EngineHarness.SimulatedNode("sim1", gpus: 2)], metrics: passes.Metrics);
        await engine.WaitForStateAsync(await engine.SubmitAsync(EngineHarness.Spec(gpus: 2, walltime: Hour)), JobState.Running);
        var (full, cheap) = passes.Now;

        var cpuOnly = await engine.SubmitAsync(EngineHarness.Spec(gpus: 0, walltime: Hour));

        await engine.WaitForStateAsync(cpuOnly, JobState.Running);
        passes.Now.Should().Be((full + 1, cheap));
    }

    /// <summary>The engine's full and cheap passes, counted from its own meter (this test's meter factory only).</summary>
    private sealed class PassCounts : IDisposable
    {
        private readonly ServiceProvider services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        private readonly MeterListener listener = new();
        private readonly IMeterFactory factory;
        private long full;
        private long cheap;

        public PassCounts()
        {
            factory = services.GetRequiredService<IMeterFactory>();
            listener.InstrumentPublished = (instrument, subscriber) =>
            {
                if (ReferenceEquals(instrument.Meter.Scope, factory) && instrument.Name is "dashboard.scheduling.pass.duration" or "dashboard.scheduling.cheap_pass.duration")
                {
                    subscriber.EnableMeasurementEvents(instrument);
                }
            };
            listener.SetMeasurementEventCallback<double>((instrument, _, _, _) =>
            {
                if (instrument.Name == "dashboard.scheduling.pass.duration")
                {
                    Interlocked.Increment(ref full);
                }
                else
                {
                    Interlocked.Increment(ref cheap);
                }
            });
            listener.Start();
        }

        public (long Full, long Cheap) Now => (Interlocked.Read(ref full), Interlocked.Read(ref cheap));

        public EngineMetrics Metrics(ClusterFeed feed) => new(factory, feed);

        public void Dispose()
        {
            listener.Dispose();
            services.Dispose();
        }
    }
}
