using System.Globalization;

namespace Dashboard.Engine.Execution.Isolation;

/// <summary>
/// One job's cgroups (v1), one folder per controller: every process of the job, including those it starts in a
/// new session or as a daemon, is in them and cannot leave. Memory and CPU limits are set on the memory and cpu
/// controllers. <see cref="Folders"/> is what the launch record keeps, so a restarted server finds them again.
/// </summary>
public sealed class JobCgroup(IReadOnlyList<string> folders)
{
    private const long CfsPeriodMicroseconds = 100_000;

    public IReadOnlyList<string> Folders { get; } = folders;

    /// <summary>
    /// Creates the job's cgroups under <paramref name="root"/> (in a folder per executor scope) and sets its limits:
    /// memory, CPU and, where <paramref name="maxProcesses"/> is given, the most processes and threads the job may
    /// have at once (pids.max), so a fork bomb cannot use up the host's process ids (the server's included).
    /// </summary>
    public static JobCgroup Create(CgroupV1Root root, string scope, long jobId, long? memoryMiB, long? cpuMillicores, long? maxProcesses = null)
    {
        ArgumentNullException.ThrowIfNull(root);
        var name = string.Create(CultureInfo.InvariantCulture, $"job-{jobId}");
        var folders = new List<string>();
        foreach (var (controller, baseFolder) in root.Controllers.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            var folder = Path.Combine(baseFolder, scope, name);
            Directory.CreateDirectory(folder);
            folders.Add(folder);
            if (controller == CgroupV1Root.Memory && memoryMiB is { } memory)
            {
                Write(folder, "memory.limit_in_bytes", memory * 1024 * 1024);
            }
            else if (controller == CgroupV1Root.Cpu && cpuMillicores is { } millicores)
            {
                Write(folder, "cpu.cfs_period_us", CfsPeriodMicroseconds);
                Write(folder, "cpu.cfs_quota_us", Math.Max(1000, millicores * CfsPeriodMicroseconds / 1000));
            }
            else if (controller == CgroupV1Root.Pids && maxProcesses is { } processes)
            {
                Write(folder, "pids.max", processes);
            }
        }

        return new JobCgroup(folders);
    }

    /// <summary>The files a process writes its pid to, to join every cgroup of the job.</summary>
    public IEnumerable<string> ProcsFiles => Folders.Select(f => Path.Combine(f, "cgroup.procs"));

    /// <summary>The live processes of the job (those of its pids cgroup, or its first cgroup).</summary>
    public IReadOnlyList<int> Processes()
    {
        var folder = Folders.FirstOrDefault(f => f.Contains("/pids/", StringComparison.Ordinal)) ?? (Folders.Count > 0 ? Folders[0] : null);
        if (folder is null)
        {
            return [];
        }

        try
        {
            return [.. File.ReadAllLines(Path.Combine(folder, "cgroup.procs"))
                .Select(l => int.TryParse(l, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : 0)
                .Where(pid => pid > 0)];
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    /// <summary>Sends <paramref name="signal"/> to every process of the job outside the process group led by <paramref name="groupLeader"/> (which is signalled as a group).</summary>
    public void SignalOutsideGroup(int signal, int groupLeader)
    {
        foreach (var pid in Processes().Where(p => ProcessSignals.GroupOf(p) != groupLeader))
        {
            ProcessSignals.Signal(pid, signal);
        }
    }

    /// <summary>
    /// Waits (up to <paramref name="patience"/>) until no living process is left in the job's cgroups by itself. Once
    /// its workload has ended a job's processes may still be on their way out: bubblewrap reports the workload's exit
    /// as soon as its pid namespace's init says so, a moment before that init (and whatever the kernel ends with it)
    /// has left. Those are not processes left running; a daemon the job left is still there when this returns.
    /// </summary>
    public async Task SettleAsync(TimeSpan patience, CancellationToken cancellationToken)
    {
        var deadline = Environment.TickCount64 + (long)patience.TotalMilliseconds;
        while (Processes().Any(ProcessSignals.ProcessAlive) && Environment.TickCount64 < deadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(1), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Ends every process of the job: freezes the group (so none can fork meanwhile), sends SIGKILL to each, thaws
    /// it, and waits (up to <paramref name="patience"/>) until it is empty. Returns how many processes were found.
    /// </summary>
    public async Task<int> KillAllAsync(TimeSpan patience, CancellationToken cancellationToken)
    {
        var freezer = Folders.FirstOrDefault(f => f.Contains("/freezer/", StringComparison.Ordinal));
        var found = Processes();
        if (found.Count == 0)
        {
            return 0;
        }

        TryWrite(freezer, "freezer.state", "FROZEN");
        // Counted: the processes that were still living when seen. A v1 cgroup also lists a process that has already
        // ended and waits for its parent to collect it (a zombie): that one was not left running.
        var killed = new HashSet<int>();
        foreach (var pid in Processes())
        {
            CountIfLiving(pid);
            ProcessSignals.Signal(pid, ProcessSignals.SigKill);
        }

        TryWrite(freezer, "freezer.state", "THAWED");

        // The kernel tells a v1 cgroup's emptiness only to a release agent: look again until it is empty.
        var deadline = Environment.TickCount64 + (long)patience.TotalMilliseconds;
        while (Processes() is { Count: > 0 } left && Environment.TickCount64 < deadline)
        {
            foreach (var pid in left)
            {
                CountIfLiving(pid);
                ProcessSignals.Signal(pid, ProcessSignals.SigKill);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(5), cancellationToken).ConfigureAwait(false);
        }

        return killed.Count;

        void CountIfLiving(int pid)
        {
            if (ProcessSignals.ProcessAlive(pid))
            {
                killed.Add(pid);
            }
        }
    }

    /// <summary>Removes the job's (empty) cgroups, and their executor's folder once no job is left in it; ones still in use stay.</summary>
    public void Remove()
    {
        RemoveOwn();
        RemoveScopeFolder();
    }

    /// <summary>Removes the job's (empty) cgroups only: the executor knows other jobs of its are in the executor's folder.</summary>
    public void RemoveOwn() => TryDelete(Folders);

    /// <summary>Removes the executor's folder of each controller when no job is left in it.</summary>
    public void RemoveScopeFolder() => TryDelete(Folders.Select(f => Path.GetDirectoryName(f)!));

    private static void TryDelete(IEnumerable<string> folders)
    {
        foreach (var folder in folders)
        {
            try
            {
                Directory.Delete(folder);
            }
            catch (Exception error) when (error is IOException or UnauthorizedAccessException)
            {
                // Still busy or already gone.
            }
        }
    }

    private static void Write(string folder, string file, long value) =>
        File.WriteAllText(Path.Combine(folder, file), value.ToString(CultureInfo.InvariantCulture));

    private static void TryWrite(string? folder, string file, string value)
    {
        if (folder is null)
        {
            return;
        }

        try
        {
            File.WriteAllText(Path.Combine(folder, file), value);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            // Without a freezer the kill loop below still ends every process.
        }
    }
}
