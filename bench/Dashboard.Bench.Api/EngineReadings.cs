using System.Diagnostics.Metrics;
using System.Globalization;

namespace Dashboard.Bench.Api;

/// <summary>
/// Where a run of submits went, from the engine's own instruments (the meter the app exports at <c>/metrics</c>) and
/// the process's CPU time: commits (one per batch with changes) and their time, scheduling passes and theirs, and the
/// CPU of the whole process (server, client and the explainer together) per submit.
/// </summary>
internal sealed class EngineReadings : IDisposable
{
    private readonly MeterListener listener = new();
    private readonly Lock gate = new();
    private long commits;
    private double commitSeconds;
    private long passes;
    private double passSeconds;
    private long cheapPasses;
    private double cheapSeconds;

    public EngineReadings()
    {
        listener.InstrumentPublished = (instrument, subscriber) =>
        {
            if (instrument.Meter.Name == "Dashboard.Engine" && instrument.Name is "dashboard.database.commit.duration" or "dashboard.scheduling.pass.duration" or "dashboard.scheduling.cheap_pass.duration")
            {
                subscriber.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((instrument, seconds, _, _) =>
        {
            lock (gate)
            {
                if (instrument.Name == "dashboard.database.commit.duration")
                {
                    commits++;
                    commitSeconds += seconds;
                }
                else if (instrument.Name == "dashboard.scheduling.cheap_pass.duration")
                {
                    cheapPasses++;
                    cheapSeconds += seconds;
                }
                else
                {
                    passes++;
                    passSeconds += seconds;
                }
            }
        });
        listener.Start();
    }

    /// <summary>The readings now, to subtract from a later one.</summary>
    public Reading Take()
    {
        lock (gate)
        {
            return new Reading(commits, commitSeconds, passes, passSeconds, Environment.CpuUsage.TotalTime) { CheapPasses = cheapPasses, CheapSeconds = cheapSeconds, Jit = System.Runtime.JitInfo.GetCompilationTime() };
        }
    }

    public void Dispose() => listener.Dispose();

    public sealed record Reading(long Commits, double CommitSeconds, long Passes, double PassSeconds, TimeSpan Cpu)
    {
        /// <summary>Batches of submits to a full cluster that took the cheap pass instead of a full one (CheapPass).</summary>
        public long CheapPasses { get; init; }

        public double CheapSeconds { get; init; }

        /// <summary>Time the JIT spent compiling (all threads; tiering up included) until this reading.</summary>
        public TimeSpan Jit { get; init; }

        /// <summary>One line: what happened between <paramref name="start"/> and this reading, for <paramref name="submits"/> submits taking <paramref name="elapsed"/>.</summary>
        public string Since(Reading start, int submits, TimeSpan elapsed)
        {
            var commits = Commits - start.Commits;
            var passes = Passes - start.Passes;
            var cheap = CheapPasses - start.CheapPasses;
            var cpu = Cpu - start.Cpu;
            return string.Create(CultureInfo.InvariantCulture,
                $"          {commits} commits ({(double)submits / Math.Max(1, commits):0.0} submits each), {1000 * (CommitSeconds - start.CommitSeconds) / Math.Max(1, commits):0.00} ms per commit; "
                + $"{passes} writer passes, {1000 * (PassSeconds - start.PassSeconds) / Math.Max(1, passes):0.00} ms each, {cheap} cheap ones, {1000 * (CheapSeconds - start.CheapSeconds) / Math.Max(1, cheap):0.000} ms each; "
                + $"process CPU {cpu.TotalMicroseconds / submits:0} us per submit ({cpu.TotalSeconds / elapsed.TotalSeconds:0.00} cores busy), of it JIT {(Jit - start.Jit).TotalMicroseconds / submits:0} us");
        }
    }
}
