using System.Globalization;

namespace Dashboard.Bench.Browser;

/// <summary>
/// CPU time (user + system, from /proc) of this process and every process below it (Playwright's driver, Chromium's
/// browser, GPU, utility/network and renderer processes), by kind: what one update costs the whole machine.
/// </summary>
public static class ProcessCpu
{
    private static readonly double TicksPerSecond = 100; // USER_HZ on Linux

    public static IReadOnlyDictionary<string, double> Seconds()
    {
        var self = Environment.ProcessId;
        var parents = new Dictionary<int, int>();
        var cpu = new Dictionary<int, double>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }

            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                parents[pid] = int.Parse(fields[1], CultureInfo.InvariantCulture);
                cpu[pid] = (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        bool Below(int pid)
        {
            for (var p = pid; p > 1; p = parents.GetValueOrDefault(p, 1))
            {
                if (p == self)
                {
                    return true;
                }
            }

            return false;
        }

        var byKind = new Dictionary<string, double>();
        foreach (var (pid, seconds) in cpu)
        {
            if (!Below(pid))
            {
                continue;
            }

            var kind = pid == self ? "server+bench (dotnet)" : KindOf(pid);
            byKind[kind] = byKind.GetValueOrDefault(kind) + seconds;
        }

        return byKind;
    }

    public static IReadOnlyDictionary<string, double> Difference(IReadOnlyDictionary<string, double> before, IReadOnlyDictionary<string, double> after) =>
        after.ToDictionary(a => a.Key, a => a.Value - before.GetValueOrDefault(a.Key));

    /// <summary>
    /// The table both browser benches write: each kind's CPU seconds during a measurement of <paramref name="updates"/>
    /// updates to <paramref name="pages"/> pages, per update and per page and update, with what the kind burnt while
    /// the pages sat idle (<paramref name="idle"/> over <paramref name="idleSeconds"/>), and what the machine's cores
    /// offered per update in the measurement's <paramref name="wall"/> time.
    /// </summary>
    public static void WritePerUpdate(TextWriter output, IReadOnlyDictionary<string, double> cpu, IReadOnlyDictionary<string, double> idle, double idleSeconds, double updates, int pages, TimeSpan wall)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(cpu);
        ArgumentNullException.ThrowIfNull(idle);
        foreach (var (kind, seconds) in cpu.OrderByDescending(c => c.Value))
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {kind,-28}: {seconds,7:0.00} s = {seconds * 1000 / updates,6:0.0} ms per update, {seconds * 1000 / updates / pages,5:0.00} ms per page; idle with {pages} pages open: {idle.GetValueOrDefault(kind) * 1000 / idleSeconds:0.0} ms per s"));
        }

        var all = cpu.Values.Sum();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {"all",-28}: {all,7:0.00} s = {all * 1000 / updates,6:0.0} ms per update, {all * 1000 / updates / pages,5:0.00} ms per page (the {Environment.ProcessorCount} cores offered {Environment.ProcessorCount * 1000 * wall.TotalSeconds / updates:0} ms of CPU per update's wall time)"));
    }

    private static string KindOf(int pid)
    {
        string commandLine;
        try
        {
            commandLine = File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
        }
        catch (IOException)
        {
            return "other";
        }

        if (commandLine.Contains("--type=renderer", StringComparison.Ordinal))
        {
            return "chromium renderers";
        }

        if (commandLine.Contains("--type=gpu-process", StringComparison.Ordinal))
        {
            return "chromium gpu";
        }

        if (commandLine.Contains("--type=utility", StringComparison.Ordinal))
        {
            return "chromium utility (network)";
        }

        if (commandLine.Contains("--type=zygote", StringComparison.Ordinal))
        {
            return "chromium zygote";
        }

        if (commandLine.Contains("chrom", StringComparison.Ordinal))
        {
            return "chromium browser";
        }

        return commandLine.Contains("node", StringComparison.Ordinal) ? "playwright driver (node)" : "other";
    }
}
