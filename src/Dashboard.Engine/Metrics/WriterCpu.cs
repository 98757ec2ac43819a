using System.Runtime.InteropServices;

namespace Dashboard.Engine.Metrics;

/// <summary>
/// A benchmark's meter of the writer's own CPU per batch, by part (Linux thread CPU time, so neither the fsync wait nor
/// other threads' work is counted). Off unless a benchmark turns it on: then each part of a batch reads the thread's
/// CPU clock twice (a system call each, about a microsecond).
/// </summary>
public static partial class WriterCpu
{
    /// <summary>The parts of one engine batch, in the order the writer runs them.</summary>
    public enum Part
    {
        /// <summary>Taking commands from the inbox and waiting for the group commit's callers (CPU only).</summary>
        Gather,

        /// <summary>Applying the batch's commands to the state (validation, the new snapshot, the changes to write).</summary>
        Apply,

        /// <summary>The writer's pass: eligibility, then the cheap pass or the full scheduling pass, and its plan applied.</summary>
        Pass,

        /// <summary>The transaction: SQLite's CPU for the batch's rows (the fsync wait is not CPU).</summary>
        Commit,

        /// <summary>The engine's instruments and the lifecycle log.</summary>
        Metrics,

        /// <summary>Publishing the state: the summary, the update, the feed's subscribers and waiters.</summary>
        Publish,

        /// <summary>Handing the new state to the off-writer explainer.</summary>
        Explain,

        /// <summary>Answering the callers (their continuations are queued, not run here).</summary>
        Answers,

        /// <summary>Starts and stops for the executors, and the participants after the commit.</summary>
        Executors,
    }

    private static readonly long[] Nanoseconds = new long[Enum.GetValues<Part>().Length];
    private static long batches;

    /// <summary>Whether the writer measures itself (a benchmark's switch; off in the product).</summary>
    public static bool Enabled { get; set; }

    /// <summary>The totals so far: batches measured and nanoseconds of thread CPU per part.</summary>
    public static (long Batches, long[] Nanoseconds) Take() => (Interlocked.Read(ref batches), [.. Nanoseconds.Select((_, i) => Interlocked.Read(ref Nanoseconds[i]))]);

    /// <summary>The calling thread's CPU clock now (default when the meter is off).</summary>
    internal static Mark Start() => Enabled ? new Mark(ThreadNanoseconds(), Environment.CurrentManagedThreadId) : default;

    /// <summary>
    /// Counts the thread CPU since <paramref name="since"/> to <paramref name="part"/> and returns the clock now. After an
    /// await that moved the writer to another thread, nothing is counted (one thread's clock says nothing of another's).
    /// </summary>
    internal static Mark Count(Part part, Mark since)
    {
        if (!Enabled)
        {
            return default;
        }

        var now = Start();
        if (since.Thread == now.Thread && since.Nanoseconds > 0)
        {
            Interlocked.Add(ref Nanoseconds[(int)part], now.Nanoseconds - since.Nanoseconds);
        }

        return now;
    }

    /// <summary>A thread's CPU clock, and which thread.</summary>
    internal readonly record struct Mark(long Nanoseconds, int Thread);

    internal static void BatchDone()
    {
        if (Enabled)
        {
            Interlocked.Increment(ref batches);
        }
    }

    private static long ThreadNanoseconds() =>
        clock_gettime(ClockThreadCpuTimeId, out var time) == 0 ? (time.Seconds * 1_000_000_000) + time.Nanoseconds : 0;

    private const int ClockThreadCpuTimeId = 3;

    [LibraryImport("libc")]
    private static partial int clock_gettime(int clock, out TimeSpec time);

    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
