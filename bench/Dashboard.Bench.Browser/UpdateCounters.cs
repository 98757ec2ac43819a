using System.Globalization;

namespace Dashboard.Bench.Browser;

/// <summary>
/// Counts that say what an update costs a circuit without the noise of a shared machine's CPU time (`--circuits
/// --counters`): bytes allocated, thread-pool work items completed and the process's context switches (every thread's,
/// from /proc), over the same update stretches with no circuit and with N; the difference per circuit and update.
/// </summary>
public readonly record struct UpdateCounters(long Allocated, long WorkItems, long ContextSwitches, long LockContentions)
{
    public static UpdateCounters Now() => new(
        GC.GetTotalAllocatedBytes(precise: false), ThreadPool.CompletedWorkItemCount, ContextSwitchesOfThisProcess(), Monitor.LockContentionCount);

    public static UpdateCounters operator -(UpdateCounters a, UpdateCounters b) =>
        new(a.Allocated - b.Allocated, a.WorkItems - b.WorkItems, a.ContextSwitches - b.ContextSwitches, a.LockContentions - b.LockContentions);

    public static string Describe(UpdateCounters without, UpdateCounters with, double circuitUpdates)
    {
        var extra = with - without;
        return string.Create(CultureInfo.InvariantCulture,
            $"counters: per circuit per update {extra.Allocated / circuitUpdates / 1024.0:0.0} KB allocated, {extra.WorkItems / circuitUpdates:0.00} thread-pool work items, {extra.ContextSwitches / circuitUpdates:0.00} context switches, {extra.LockContentions / circuitUpdates:0.000} lock contentions (no circuit: {without.Allocated / 1024.0:0} KB, {without.WorkItems} items, {without.ContextSwitches} switches in all)");
    }

    private static long ContextSwitchesOfThisProcess()
    {
        long total = 0;
        foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            try
            {
                foreach (var line in File.ReadLines(Path.Combine(task, "status")))
                {
                    if (line.StartsWith("voluntary_ctxt_switches:", StringComparison.Ordinal) || line.StartsWith("nonvoluntary_ctxt_switches:", StringComparison.Ordinal))
                    {
                        total += long.Parse(line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim(), CultureInfo.InvariantCulture);
                    }
                }
            }
            catch (IOException)
            {
                // The thread ended meanwhile.
            }
        }

        return total;
    }
}
