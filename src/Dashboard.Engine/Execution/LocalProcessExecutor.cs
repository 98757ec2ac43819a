using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Dashboard.Engine.Execution.Isolation;
using Dashboard.Scheduling.Model;
using Microsoft.Extensions.Logging;

namespace Dashboard.Engine.Execution;

/// <summary>
/// Really runs jobs on this host, each kept away from the server (see <see cref="LocalJobIsolation"/>): as its
/// owner's Unix user and/or inside bubblewrap, in its own cgroups, from its own folder. A supervisor outside the
/// job's box, in its own session, starts the workload and records its exit code in the job's records folder, which
/// the job cannot reach. The job sees CUDA_VISIBLE_DEVICES / NVIDIA_VISIBLE_DEVICES set to its allocated GPU
/// indices and DASHBOARD_CPUS / OMP_NUM_THREADS set to its CPU count; its output goes to its log file and never
/// flows through this process, so a job outlives a server restart and is re-adopted from its launch record.
/// When it ends, is cancelled or runs out of time, every process left in its cgroups is killed before its exit is
/// reported. A job's disk is limited (<see cref="LocalExecutorOptions.MaxJobDiskBytes"/>: no file past it, and its
/// folder measured every <see cref="LocalExecutorOptions.DiskCheckInterval"/>, on this executor's own timer, never the
/// engine's), and the free space under the data folder is kept (<see cref="LocalExecutorOptions.MinFreeDiskBytes"/>):
/// a job past either is stopped and reported Failed with the reason, and the local node is drained while the free
/// space stays under the floor (<see cref="DiskFloorDrain"/>, given <paramref name="nodeState"/>).
/// </summary>
public sealed class LocalProcessExecutor : IJobExecutor, IDisposable
{
    /// <summary>How long ending a job's leftover processes may take before its exit is reported anyway.</summary>
    private static readonly TimeSpan KillPatience = TimeSpan.FromSeconds(10);

    /// <summary>How long a job's processes that are on their way out when its workload has ended may take to leave (see <see cref="JobCgroup.SettleAsync"/>).</summary>
    private static readonly TimeSpan SettlePatience = TimeSpan.FromSeconds(1);

    private static readonly string[] KeptEnvironment = ["PATH", "LANG", "LANGUAGE", "LC_ALL", "LC_CTYPE", "TZ", "TERM"];

    private readonly ConcurrentDictionary<JobId, Watched> watched = new();
    private readonly CpuPinning pinning = new(Environment.ProcessorCount);
    private readonly CancellationTokenSource stopping = new();
    private readonly LocalExecutorOptions options;
    private readonly LocalJobIsolation isolation;
    private readonly string jobsRoot;
    private readonly string recordsRoot;
    private readonly string localNodeName;
    private readonly IJobExitSink sink;
    private readonly TimeProvider time;
    private readonly ILogger<LocalProcessExecutor> logger;
    private readonly Sessions.SessionEndpoints? sessions;
    private readonly string scope;
    private readonly DiskLimits diskLimits;
    private readonly IFreeDiskSpace freeSpace;
    private readonly DiskFloorDrain? floorDrain;
    private int diskWatchStarted;

    /// <summary>The previous disk check's measurements (null before the first): what the floor compares with.</summary>
    private DiskReading? lastReading;

    /// <param name="freeSpace">Where free space is read (the real filesystem by default).</param>
    /// <param name="nodeState">
    /// Where the local node is drained while the disk is under <see cref="LocalExecutorOptions.MinFreeDiskBytes"/> (the
    /// engine); null: jobs are stopped, the node is left as it is. Given, the disk is watched from the start, so a drain
    /// this executor left before a restart is lifted once there is room again.
    /// </param>
    public LocalProcessExecutor(
        LocalExecutorOptions options,
        LocalJobIsolation isolation,
        string jobsRoot,
        string recordsRoot,
        string localNodeName,
        IJobExitSink sink,
        TimeProvider time,
        ILogger<LocalProcessExecutor> logger,
        Sessions.SessionEndpoints? sessions = null,
        IFreeDiskSpace? freeSpace = null,
        ILocalNodeState? nodeState = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.options = options;
        this.isolation = isolation;
        this.jobsRoot = jobsRoot;
        this.recordsRoot = recordsRoot;
        this.localNodeName = localNodeName;
        this.sink = sink;
        this.time = time;
        this.logger = logger;
        this.sessions = sessions;
        scope = Scope(recordsRoot);
        diskLimits = new(Math.Max(0, options.MaxJobDiskBytes), Math.Max(0, options.MinFreeDiskBytes));
        this.freeSpace = freeSpace ?? FileSystemFreeSpace.Instance;
        if (nodeState is not null && diskLimits.MinFreeBytes > 0)
        {
            floorDrain = new DiskFloorDrain(nodeState, localNodeName, Path.Combine(recordsRoot, DiskFloorDrain.MarkerFileName), diskLimits.MinFreeBytes);
            StartDiskWatch();
        }
    }

    public IsolationChoice Isolation => isolation.Choice;

    /// <summary>Only this host: a node that is not simulated but is another machine has no executor here.</summary>
    public bool Handles(Node node) => node is { Simulated: false } && node.Name == localNodeName;

    public Task StartAsync(JobLaunch launch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(launch);
        if (isolation.Choice.RefusalReason is { } refusal)
        {
            throw new InvalidOperationException(refusal);
        }

        var runAs = isolation.Users?.Resolve(launch.Job.Spec.Owner);
        var records = new JobRecordsFolder(recordsRoot, launch.Id);
        records.Create();
        // A session's server gets a free loopback port and a token (see SessionEndpoints); a batch job gets neither.
        var endpoint = sessions?.Open(launch.Job, records.Path);
        var folder = new JobWorkFolder(jobsRoot, launch.Id);
        folder.Create(runAs);
        var cpuCount = CpuCount(launch);
        var limits = launch.Job.Spec.Limits;
        var memoryLimit = options.LimitMemory ? limits?.MemoryMiB : null;
        var cgroup = isolation.Cgroups is { } root ? JobCgroup.Create(root, scope, launch.Id.Value, memoryLimit, limits?.CpuMillicores, ProcessLimit) : null;
        var cores = cgroup is null && options.PinCpus ? pinning.Take(launch.Id, cpuCount) : [];
        var workload = isolation.CommandLine.Build(new WorkloadLaunch(
            launch.Job.Spec.Command, Path.GetFullPath(folder.Path), runAs, cores, cgroup is null ? memoryLimit * 1024 * 1024 : null, ScratchBytes(launch), FileSizeLimit));

        var start = new ProcessStartInfo("setsid") { WorkingDirectory = records.Path, UseShellExecute = false };
        start.ArgumentList.Add("sh");
        start.ArgumentList.Add(records.SupervisorPath);
        start.ArgumentList.Add(Path.GetFullPath(folder.LogPath));
        start.ArgumentList.Add(Path.GetFullPath(folder.Path));
        start.ArgumentList.Add(string.Join(' ', cgroup?.ProcsFiles ?? []));
        start.ArgumentList.Add(isolation.CommandLine.UseSandbox ? "1" : "0");
        foreach (var argument in workload)
        {
            start.ArgumentList.Add(argument);
        }

        SetEnvironment(start, launch, cpuCount, folder, runAs);
        start.Environment["DASHBOARD_PREEMPT_GRACE"] = options.PreemptGraceSeconds.ToString(CultureInfo.InvariantCulture);
        if (endpoint is not null)
        {
            foreach (var (name, value) in sessions!.EnvironmentOf(endpoint))
            {
                start.Environment[name] = value;
            }
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"Job {launch.Id} could not be started.");
        }
        catch
        {
            sessions?.Close(launch.Id);
            cgroup?.Remove();
            pinning.Release(launch.Id);
            throw;
        }

        var record = new LaunchRecord(process.Id, ProcessSignals.StartTicks(process.Id) ?? 0, cores, cgroup?.Folders ?? []);
        records.WriteLaunch(record);
        var entry = new Watched(launch.Id, records, record.Pid, cgroup);
        watched[launch.Id] = entry;
        _ = WatchChildAsync(entry, process);
        StartDiskWatch();
        ExecutorLog.Started(logger, launch.Id, record.Pid, start.Environment["CUDA_VISIBLE_DEVICES"] ?? "");
        return Task.CompletedTask;
    }

    public Task StopAsync(JobId job, CancellationToken cancellationToken) => Stop(job, options.KillGracePeriod);

    private long? ProcessLimit => options.MaxProcessesPerJob > 0 ? options.MaxProcessesPerJob : null;

    /// <summary>No file of a job may grow past its disk limit (RLIMIT_FSIZE).</summary>
    private long? FileSizeLimit => options.MaxJobDiskBytes > 0 ? options.MaxJobDiskBytes : null;

    /// <summary>The size of a sandboxed job's /tmp and of its /dev/shm: its memory limit, else its memory request (at least 64 MiB).</summary>
    private static long ScratchBytes(JobLaunch launch) =>
        Math.Max(64, launch.Job.Spec.Limits?.MemoryMiB ?? launch.Job.Spec.Request.MemoryMiB) * 1024 * 1024;

    /// <summary>A preempted job gets SIGTERM and <see cref="LocalExecutorOptions.PreemptGraceSeconds"/> (which it reads from DASHBOARD_PREEMPT_GRACE) to checkpoint before SIGKILL.</summary>
    public Task PreemptAsync(JobId job, CancellationToken cancellationToken) => Stop(job, TimeSpan.FromSeconds(options.PreemptGraceSeconds));

    private Task Stop(JobId job, TimeSpan grace)
    {
        if (!watched.TryGetValue(job, out var entry) || entry.StopRequested)
        {
            return Task.CompletedTask;
        }

        entry.StopRequested = true;
        entry.Grace = grace;
        ProcessSignals.SignalGroup(entry.Pid, ProcessSignals.SigTerm);
        // Processes the job started in a new session are out of the group but still in its cgroup.
        entry.Cgroup?.SignalOutsideGroup(ProcessSignals.SigTerm, entry.Pid);
        _ = KillAfterGraceAsync(entry);
        return Task.CompletedTask;
    }

    public async Task<AdoptionOutcome> AdoptAsync(JobLaunch launch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(launch);
        var records = new JobRecordsFolder(recordsRoot, launch.Id);
        var saved = records.ReadLaunch();
        var cgroup = saved?.Cgroups is { Count: > 0 } folders ? new JobCgroup(folders) : null;
        if (records.ReadExitCode() is { } code)
        {
            await ReportEndedWhileDownAsync(launch.Id, code, cgroup).ConfigureAwait(false);
            return AdoptionOutcome.ExitedWhileDown;
        }

        var record = saved;
        if (record is null || !ProcessSignals.ProcessAlive(record.Pid) || ProcessSignals.StartTicks(record.Pid) != record.StartTicks)
        {
            // A crash between starting the supervisor and writing its launch record leaves no record: find the
            // job's process group by the job id in its environment.
            record = ProcessSignals.FindJobGroupLeader(launch.Id.ToString(), Path.GetFullPath(records.Path));
        }

        if (record is null)
        {
            // It may have ended between the first look at its exit code and now.
            if (records.ReadExitCode() is { } lateCode)
            {
                await ReportEndedWhileDownAsync(launch.Id, lateCode, cgroup).ConfigureAwait(false);
                return AdoptionOutcome.ExitedWhileDown;
            }

            if (cgroup is not null)
            {
                await cgroup.KillAllAsync(KillPatience, cancellationToken).ConfigureAwait(false);
                cgroup.Remove();
            }

            return AdoptionOutcome.Lost;
        }

        var entry = new Watched(launch.Id, records, record.Pid, cgroup);
        watched[launch.Id] = entry;
        sessions?.Reopen(launch.Job, records.Path);
        pinning.Adopt(launch.Id, record.Cores ?? []);
        _ = WatchAdoptedAsync(entry, record);
        StartDiskWatch();
        ExecutorLog.Adopted(logger, launch.Id, record.Pid);
        return AdoptionOutcome.Adopted;
    }

    /// <summary>Starts measuring the jobs' folders and the free space, once, when the first job is started or adopted.</summary>
    private void StartDiskWatch()
    {
        if ((diskLimits.MaxJobBytes > 0 || diskLimits.MinFreeBytes > 0) && options.DiskCheckInterval > TimeSpan.Zero
            && Interlocked.Exchange(ref diskWatchStarted, 1) == 0)
        {
            _ = WatchDiskAsync();
        }
    }

    private async Task WatchDiskAsync()
    {
        using var timer = new PeriodicTimer(options.DiskCheckInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping.Token).ConfigureAwait(false))
            {
                // The walk runs on the thread pool: a job with millions of files slows this check, never the engine.
                try
                {
                    await Task.Run(CheckDiskAsync, stopping.Token).ConfigureAwait(false);
                }
                catch (Exception error) when (!stopping.IsCancellationRequested)
                {
                    // One failed check (a folder that could not be read, a statx this libc lacks, the engine refusing the
                    // drain) does not end the checks that follow: any error, not only the expected ones, or a job past
                    // its limit would never be stopped again.
                    ExecutorLog.DiskCheckFailed(logger, error);
                }
            }
        }
        catch (Exception error) when (error is OperationCanceledException or ObjectDisposedException)
        {
            // The executor is disposed.
        }
    }

    /// <summary>
    /// Measures each job's folder and the free space once, stops the jobs <see cref="DiskLimits"/> names (comparing with
    /// the previous check: under the floor only the one writing, while the space still falls), and drains or resumes
    /// the local node by the free space (<see cref="DiskFloorDrain"/>).
    /// </summary>
    private async Task CheckDiskAsync()
    {
        var free = diskLimits.MinFreeBytes > 0
            ? new[] { jobsRoot, recordsRoot }.Select(freeSpace.AvailableBytes).Where(b => b is not null).Min()
            : null;
        // Jobs on their way out are measured too: one still writing in its grace period is the writer, not another.
        var jobs = watched.Values.OrderBy(e => e.Job.Value).ToList();
        var sizes = jobs.Select(e =>
        {
            var measured = FolderUsage.Measure(new JobWorkFolder(jobsRoot, e.Job).Path, stopping.Token);
            return new JobFolderSize(e.Job, measured.Bytes, e.StopRequested, measured.Unreadable);
        }).ToList();
        var previous = lastReading;
        lastReading = new DiskReading(free, sizes);
        foreach (var stop in diskLimits.Decide(sizes, free, previous))
        {
            if (watched.TryGetValue(stop.Job, out var entry) && !entry.StopRequested)
            {
                ExecutorLog.DiskStop(logger, stop.Job, stop.Reason);
                entry.DiskReason = stop.Reason;
                _ = Stop(stop.Job, options.KillGracePeriod);
            }
        }

        if (floorDrain is not null)
        {
            try
            {
                await floorDrain.UpdateAsync(free, stopping.Token).ConfigureAwait(false);
            }
            catch (IOException error)
            {
                ExecutorLog.DrainNotRecorded(logger, error);
            }
        }
    }

    public void Dispose()
    {
        // Jobs keep running when the server stops; only the watchers end.
        stopping.Cancel();
        stopping.Dispose();
    }

    /// <summary>Cgroups of executors with different records folders (tests, two servers) never meet.</summary>
    private static string Scope(string recordsRoot)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(Path.GetFullPath(recordsRoot)));
        return "s" + Convert.ToHexStringLower(hash.AsSpan(0, 6));
    }

    private static int CpuCount(JobLaunch launch)
    {
        var millicores = launch.Job.Spec.Limits?.CpuMillicores ?? launch.Allocation.CpuMillicores;
        return (int)Math.Max(1, (millicores + Units.MillicoresPerCore - 1) / Units.MillicoresPerCore);
    }

    /// <summary>The job gets a clean environment: none of the server's variables (which may hold secrets) but the locale and PATH.</summary>
    private static void SetEnvironment(ProcessStartInfo start, JobLaunch launch, int cpuCount, JobWorkFolder folder, UnixAccount? runAs)
    {
        var kept = KeptEnvironment.Where(start.Environment.ContainsKey).ToDictionary(k => k, k => start.Environment[k]);
        start.Environment.Clear();
        foreach (var (name, value) in kept)
        {
            start.Environment[name] = value;
        }

        var gpus = string.Join(',', launch.Allocation.GpuIndices);
        // nvidia-smi numbers GPUs by PCI bus id; without this CUDA numbers them fastest first.
        start.Environment["CUDA_DEVICE_ORDER"] = "PCI_BUS_ID";
        start.Environment["CUDA_VISIBLE_DEVICES"] = gpus;
        start.Environment["NVIDIA_VISIBLE_DEVICES"] = gpus.Length == 0 ? "void" : gpus;
        start.Environment["DASHBOARD_JOB_ID"] = launch.Id.ToString();
        start.Environment["DASHBOARD_CPUS"] = cpuCount.ToString(CultureInfo.InvariantCulture);
        start.Environment["OMP_NUM_THREADS"] = cpuCount.ToString(CultureInfo.InvariantCulture);
        start.Environment["HOME"] = Path.GetFullPath(folder.Path);
        if (runAs is not null)
        {
            start.Environment["USER"] = runAs.Name;
            start.Environment["LOGNAME"] = runAs.Name;
        }
    }

    private async Task WatchChildAsync(Watched entry, Process process)
    {
        using (process)
        {
            try
            {
                await process.WaitForExitAsync(stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        await FinishAsync(entry).ConfigureAwait(false);
    }

    private async Task WatchAdoptedAsync(Watched entry, LaunchRecord record)
    {
        using var timer = new PeriodicTimer(options.AdoptedPollInterval, time);
        try
        {
            while (ProcessSignals.ProcessAlive(record.Pid) && ProcessSignals.StartTicks(record.Pid) == record.StartTicks)
            {
                await timer.WaitForNextTickAsync(stopping.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            return;
        }

        await FinishAsync(entry).ConfigureAwait(false);
    }

    private async Task KillAfterGraceAsync(Watched entry)
    {
        try
        {
            await Task.Delay(entry.Grace, time, stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        if (watched.ContainsKey(entry.Job) && (ProcessSignals.GroupAlive(entry.Pid) || entry.Cgroup?.Processes().Count > 0))
        {
            ExecutorLog.Killing(logger, entry.Job, entry.Grace);
            entry.Killed = true;
            ProcessSignals.SignalGroup(entry.Pid, ProcessSignals.SigKill);
            if (entry.Cgroup is { } cgroup)
            {
                await cgroup.KillAllAsync(KillPatience, CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    private async Task FinishAsync(Watched entry)
    {
        // The supervisor leads the group; once it is gone, stragglers of the job are ended too: every process left in
        // the job's cgroups first (those that left the group with setsid included, and counted: a background child
        // that has not yet reached its setsid is still in the group, and must count as left behind too), then the
        // group's, for a job without cgroups.
        var leftovers = 0;
        if (entry.Cgroup is { } cgroup)
        {
            await cgroup.SettleAsync(SettlePatience, CancellationToken.None).ConfigureAwait(false);
            leftovers = await cgroup.KillAllAsync(KillPatience, CancellationToken.None).ConfigureAwait(false);
            // The executor's own cgroup folder is left to the last job to end (removing it while others run would fail).
            cgroup.RemoveOwn();
        }

        if (ProcessSignals.GroupAlive(entry.Pid))
        {
            ProcessSignals.SignalGroup(entry.Pid, ProcessSignals.SigKill);
        }

        watched.TryRemove(entry.Job, out _);
        if (watched.IsEmpty)
        {
            entry.Cgroup?.RemoveScopeFolder();
        }

        sessions?.Close(entry.Job);
        pinning.Release(entry.Job);
        var code = entry.Records.ReadExitCode();
        var reason = entry.DiskReason is { } disk ? disk
            : entry.Killed
            ? $"killed with SIGKILL after ignoring SIGTERM for {entry.Grace.TotalSeconds:0} s"
            : code is null ? "ended without recording an exit code (killed by a signal from outside)"
            : leftovers > 0 && !entry.StopRequested ? LeftRunning(leftovers)
            : null;
        // A job stopped for its disk failed, whatever code it chose to exit with on SIGTERM.
        var reported = entry.DiskReason is not null || entry.Killed || (leftovers > 0 && code == 0 && !entry.StopRequested) ? null : code;
        await ReportAsync(new JobExit(entry.Job, reported, time.GetUtcNow(), reason)).ConfigureAwait(false);
    }

    private async Task ReportEndedWhileDownAsync(JobId job, int code, JobCgroup? cgroup)
    {
        var leftovers = 0;
        if (cgroup is not null)
        {
            leftovers = await cgroup.KillAllAsync(KillPatience, CancellationToken.None).ConfigureAwait(false);
            cgroup.Remove();
        }

        var exit = leftovers > 0 && code == 0
            ? new JobExit(job, null, time.GetUtcNow(), LeftRunning(leftovers) + " (ended while the server was down)")
            : new JobExit(job, code, time.GetUtcNow(), "ended while the server was down");
        _ = ReportAsync(exit);
    }

    private static string LeftRunning(int count) =>
        string.Create(CultureInfo.InvariantCulture, $"left {count} process{(count == 1 ? "" : "es")} running after its command ended; they were killed");

    private async Task ReportAsync(JobExit exit)
    {
        try
        {
            await sink.JobExitedAsync(exit).ConfigureAwait(false);
        }
        catch (Exception error) when (error is InvalidOperationException or OperationCanceledException)
        {
            ExecutorLog.ExitNotReported(logger, error, exit.Job);
        }
    }

    private sealed class Watched(JobId job, JobRecordsFolder records, int pid, JobCgroup? cgroup)
    {
        public JobId Job { get; } = job;

        public JobRecordsFolder Records { get; } = records;

        public int Pid { get; } = pid;

        public JobCgroup? Cgroup { get; } = cgroup;

        public bool StopRequested { get; set; }

        public bool Killed { get; set; }

        /// <summary>Why the executor stopped the job for the disk (over its limit, or the disk nearly full); null otherwise.</summary>
        public string? DiskReason { get; set; }

        /// <summary>Time between SIGTERM and SIGKILL for this stop: the kill grace period, or the preemption grace.</summary>
        public TimeSpan Grace { get; set; }
    }
}
