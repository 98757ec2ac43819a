using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Dashboard.Scheduling.Model;
using Microsoft.Extensions.Logging;

namespace Dashboard.Engine.Execution;

/// <summary>
/// Really runs jobs on this host. Each job runs in its own session and process group (setsid) from its own
/// folder, sees CUDA_VISIBLE_DEVICES / NVIDIA_VISIBLE_DEVICES set to its allocated GPU indices and
/// DASHBOARD_CPUS / OMP_NUM_THREADS set to its CPU count, writes stdout and stderr to its log file, and is
/// pinned with taskset and capped with prlimit where its limits ask. Its output never flows through this
/// process, so a job outlives a server restart and is re-adopted from its launch record.
/// </summary>
public sealed class LocalProcessExecutor(
    LocalExecutorOptions options,
    string jobsRoot,
    string localNodeName,
    IJobExitSink sink,
    TimeProvider time,
    ILogger<LocalProcessExecutor> logger) : IJobExecutor, IDisposable
{
    private readonly ConcurrentDictionary<JobId, Watched> watched = new();
    private readonly CpuPinning pinning = new(Environment.ProcessorCount);
    private readonly CancellationTokenSource stopping = new();

    /// <summary>Only this host: a node that is not simulated but is another machine has no executor here.</summary>
    public bool Handles(Node node) => node is { Simulated: false } && node.Name == localNodeName;

    public Task StartAsync(JobLaunch launch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(launch);
        var folder = new JobWorkFolder(jobsRoot, launch.Id);
        folder.Create();
        var cpuCount = CpuCount(launch);
        var cores = options.PinCpus ? pinning.Take(launch.Id, cpuCount) : [];
        var start = new ProcessStartInfo("setsid") { WorkingDirectory = folder.Path, UseShellExecute = false };
        if (cores.Count > 0)
        {
            start.ArgumentList.Add("taskset");
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add(string.Join(',', cores));
        }

        if (options.LimitMemory && launch.Job.Spec.Limits?.MemoryMiB is { } memoryLimit)
        {
            start.ArgumentList.Add("prlimit");
            start.ArgumentList.Add(string.Create(CultureInfo.InvariantCulture, $"--data={memoryLimit * 1024 * 1024}"));
            start.ArgumentList.Add("--");
        }

        start.ArgumentList.Add("sh");
        start.ArgumentList.Add(folder.WrapperPath);
        start.ArgumentList.Add(launch.Job.Spec.Command);
        var gpus = string.Join(',', launch.Allocation.GpuIndices);
        // nvidia-smi numbers GPUs by PCI bus id; without this CUDA numbers them fastest first.
        start.Environment["CUDA_DEVICE_ORDER"] = "PCI_BUS_ID";
        start.Environment["CUDA_VISIBLE_DEVICES"] = gpus;
        start.Environment["NVIDIA_VISIBLE_DEVICES"] = gpus.Length == 0 ? "void" : gpus;
        start.Environment["DASHBOARD_JOB_ID"] = launch.Id.ToString();
        start.Environment["DASHBOARD_CPUS"] = cpuCount.ToString(CultureInfo.InvariantCulture);
        start.Environment["OMP_NUM_THREADS"] = cpuCount.ToString(CultureInfo.InvariantCulture);

        var process = Process.Start(start) ?? throw new InvalidOperationException($"Job {launch.Id} could not be started.");
        var record = new LaunchRecord(process.Id, ProcessSignals.StartTicks(process.Id) ?? 0, cores);
        folder.WriteLaunch(record);
        var entry = new Watched(launch.Id, folder, record.Pid);
        watched[launch.Id] = entry;
        _ = WatchChildAsync(entry, process);
        ExecutorLog.Started(logger, launch.Id, record.Pid, gpus);
        return Task.CompletedTask;
    }

    public Task StopAsync(JobId job, CancellationToken cancellationToken)
    {
        if (!watched.TryGetValue(job, out var entry) || entry.StopRequested)
        {
            return Task.CompletedTask;
        }

        entry.StopRequested = true;
        ProcessSignals.SignalGroup(entry.Pid, ProcessSignals.SigTerm);
        _ = KillAfterGraceAsync(entry);
        return Task.CompletedTask;
    }

    public Task<AdoptionOutcome> AdoptAsync(JobLaunch launch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(launch);
        var folder = new JobWorkFolder(jobsRoot, launch.Id);
        if (folder.ReadExitCode() is { } code)
        {
            _ = ReportAsync(new JobExit(launch.Id, code, time.GetUtcNow(), "ended while the server was down"));
            return Task.FromResult(AdoptionOutcome.ExitedWhileDown);
        }

        var record = folder.ReadLaunch();
        if (record is null || !ProcessSignals.ProcessAlive(record.Pid) || ProcessSignals.StartTicks(record.Pid) != record.StartTicks)
        {
            // A crash between starting the process and writing its launch record leaves no record: find the
            // job's process group by the job id in its environment.
            record = ProcessSignals.FindJobGroupLeader(launch.Id.ToString(), Path.GetFullPath(folder.Path));
        }

        if (record is null)
        {
            // It may have ended between the first look at its exit code and now.
            if (folder.ReadExitCode() is { } lateCode)
            {
                _ = ReportAsync(new JobExit(launch.Id, lateCode, time.GetUtcNow(), "ended while the server was down"));
                return Task.FromResult(AdoptionOutcome.ExitedWhileDown);
            }

            return Task.FromResult(AdoptionOutcome.Lost);
        }

        var entry = new Watched(launch.Id, folder, record.Pid);
        watched[launch.Id] = entry;
        pinning.Adopt(launch.Id, record.Cores ?? []);
        _ = WatchAdoptedAsync(entry, record);
        ExecutorLog.Adopted(logger, launch.Id, record.Pid);
        return Task.FromResult(AdoptionOutcome.Adopted);
    }

    public void Dispose()
    {
        // Jobs keep running when the server stops; only the watchers end.
        stopping.Cancel();
        stopping.Dispose();
    }

    private static int CpuCount(JobLaunch launch)
    {
        var millicores = launch.Job.Spec.Limits?.CpuMillicores ?? launch.Allocation.CpuMillicores;
        return (int)Math.Max(1, (millicores + Units.MillicoresPerCore - 1) / Units.MillicoresPerCore);
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
            await Task.Delay(options.KillGracePeriod, time, stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        if (watched.ContainsKey(entry.Job) && ProcessSignals.GroupAlive(entry.Pid))
        {
            ExecutorLog.Killing(logger, entry.Job, options.KillGracePeriod);
            entry.Killed = true;
            ProcessSignals.SignalGroup(entry.Pid, ProcessSignals.SigKill);
        }
    }

    private async Task FinishAsync(Watched entry)
    {
        // The wrapper leads the group; once it is gone, stragglers of the job are ended too.
        if (ProcessSignals.GroupAlive(entry.Pid))
        {
            ProcessSignals.SignalGroup(entry.Pid, ProcessSignals.SigKill);
        }

        watched.TryRemove(entry.Job, out _);
        pinning.Release(entry.Job);
        var code = entry.Folder.ReadExitCode();
        var reason = entry.Killed
            ? $"killed with SIGKILL after ignoring SIGTERM for {options.KillGracePeriod.TotalSeconds:0} s"
            : code is null ? "ended without recording an exit code (killed by a signal from outside)" : null;
        await ReportAsync(new JobExit(entry.Job, entry.Killed ? null : code, time.GetUtcNow(), reason)).ConfigureAwait(false);
    }

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

    private sealed class Watched(JobId job, JobWorkFolder folder, int pid)
    {
        public JobId Job { get; } = job;

        public JobWorkFolder Folder { get; } = folder;

        public int Pid { get; } = pid;

        public bool StopRequested { get; set; }

        public bool Killed { get; set; }
    }
}
