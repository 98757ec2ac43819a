using System.Collections.Concurrent;
using System.Collections.Immutable;
using Dashboard.Engine.Execution;
using Dashboard.Engine.Tests.Execution;
using Dashboard.Scheduling.Model;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Dashboard.Engine.Tests;

/// <summary>
/// Real child processes through sh, in the isolation this host allows; each test has its own data folder (jobs and
/// records) and its own folder of pipes that jobs may use.
/// </summary>
public sealed class LocalProcessExecutorTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly string root = Directory.CreateTempSubdirectory("dashboard-exec-").FullName;
    private readonly ExitRecorder exits = new();

    public LocalProcessExecutorTests() => Directory.CreateDirectory(DataFolder);

    private string DataFolder => Path.Combine(root, "data");

    private string JobsRoot => Path.Combine(DataFolder, "jobs");

    private string RecordsRoot => Path.Combine(DataFolder, "job-records");

    public void Dispose() => Directory.Delete(root, recursive: true);

    [Fact]
    public async Task The_job_sees_its_GPUs_and_CPUs_and_its_output_lands_in_the_log()
    {
        using var executor = Executor(TimeProvider.System);
        var launch = Launch(1, "echo \"gpus=$CUDA_VISIBLE_DEVICES nvidia=$NVIDIA_VISIBLE_DEVICES cpus=$DASHBOARD_CPUS\"; echo oops >&2; exit 3", gpus: [4, 5], cpuMillicores: 2000);

        await executor.StartAsync(launch, CancellationToken.None);
        var exit = await exits.For(launch.Id).WaitAsync(Patience);

        exit.ExitCode.Should().Be(3);
        var log = await File.ReadAllTextAsync(new JobWorkFolder(JobsRoot, launch.Id).LogPath);
        log.Should().Contain("gpus=4,5 nvidia=4,5 cpus=2").And.Contain("oops");
    }

    [Fact]
    public async Task CPU_and_memory_limits_are_enforced_by_the_jobs_cgroup_or_else_by_taskset_and_prlimit()
    {
        var isolation = TestIsolation.Detect(DataFolder, root);
        using var executor = new LocalProcessExecutor(
            new LocalExecutorOptions { PinCpus = true, LimitMemory = true }, isolation, JobsRoot, RecordsRoot, "local", exits, TimeProvider.System, NullLogger<LocalProcessExecutor>.Instance);
        const string command = "grep Cpus_allowed_list /proc/self/status; echo \"data=$(ulimit -d)\"; "
            + "for c in memory cpu; do g=$(grep -E \"^[0-9]+:([^:]*,)?$c(,[^:]*)?:\" /proc/self/cgroup | cut -d: -f3); "
            + "cat /sys/fs/cgroup/$c$g/memory.limit_in_bytes /sys/fs/cgroup/$c$g/cpu.cfs_quota_us 2>/dev/null | sed \"s/^/$c=/\"; done";
        var launch = Launch(9, command, gpus: [], cpuMillicores: 1000);
        launch = launch with { Job = launch.Job with { Spec = launch.Job.Spec with { Limits = new ResourceLimits(CpuMillicores: 1500, MemoryMiB: 512) } } };

        await executor.StartAsync(launch, CancellationToken.None);
        (await exits.For(launch.Id).WaitAsync(Patience)).ExitCode.Should().Be(0);

        var log = await File.ReadAllTextAsync(new JobWorkFolder(JobsRoot, launch.Id).LogPath);
        if (isolation.Cgroups is { } cgroups)
        {
            if (cgroups.Controllers.ContainsKey("memory"))
            {
                log.Should().Contain("memory=536870912", "a 512 MiB memory limit is the cgroup's memory limit");
            }

            if (cgroups.Controllers.ContainsKey("cpu"))
            {
                log.Should().Contain("cpu=150000", "1.5 cores is 150 ms of CPU time per 100 ms period");
            }

            log.Should().Contain("data=unlimited", "prlimit is only the fallback without cgroups");
        }
        else
        {
            var allowed = log.Split('\n').Single(l => l.StartsWith("Cpus_allowed_list:")).Split(':')[1].Trim();
            allowed.Should().MatchRegex("^[0-9]+(,[0-9]+)?$", "a 1.5-core limit pins the job to two cores");
            log.Should().Contain("data=524288", "a 512 MiB memory limit caps the data segment (ulimit -d counts KiB)");
        }
    }

    [Fact]
    public async Task A_job_without_GPUs_sees_none()
    {
        using var executor = Executor(TimeProvider.System);
        var launch = Launch(2, "echo \"[$CUDA_VISIBLE_DEVICES] [$NVIDIA_VISIBLE_DEVICES]\"", gpus: []);

        await executor.StartAsync(launch, CancellationToken.None);
        (await exits.For(launch.Id).WaitAsync(Patience)).ExitCode.Should().Be(0);

        (await File.ReadAllTextAsync(new JobWorkFolder(JobsRoot, launch.Id).LogPath)).Should().Contain("[] [void]");
    }

    [Fact]
    public async Task Stopping_a_job_sends_SIGTERM_which_ends_a_well_behaved_workload()
    {
        using var executor = Executor(TimeProvider.System);
        using var fifo = new Fifo(root, "started");
        var launch = Launch(3, $"echo started > {fifo.Path}; exec sleep 600", gpus: [0]);

        await executor.StartAsync(launch, CancellationToken.None);
        (await fifo.ReadLineAsync().WaitAsync(Patience)).Should().Be("started");
        await executor.StopAsync(launch.Id, CancellationToken.None);
        var exit = await exits.For(launch.Id).WaitAsync(Patience);

        exit.ExitCode.Should().Be(143, "sleep died of SIGTERM (128 + 15)");
        exit.Reason.Should().BeNull();
    }

    [Fact]
    public async Task A_workload_that_ignores_SIGTERM_is_killed_after_the_grace_period()
    {
        var clock = new FakeTimeProvider();
        using var executor = Executor(clock);
        using var started = new Fifo(root, "started");
        using var termed = new Fifo(root, "termed");
        var command = $"trap 'echo got-term > {termed.Path}' TERM; echo started > {started.Path}; while :; do sleep 1; done";
        var launch = Launch(4, command, gpus: [0]);

        await executor.StartAsync(launch, CancellationToken.None);
        (await started.ReadLineAsync().WaitAsync(Patience)).Should().Be("started");
        await executor.StopAsync(launch.Id, CancellationToken.None);
        (await termed.ReadLineAsync().WaitAsync(Patience)).Should().Be("got-term", "the workload received SIGTERM and chose to carry on");
        exits.For(launch.Id).IsCompleted.Should().BeFalse("the grace period has not passed");

        clock.Advance(TimeSpan.FromSeconds(10));
        var exit = await exits.For(launch.Id).WaitAsync(Patience);

        exit.ExitCode.Should().BeNull();
        exit.Reason.Should().Be("killed with SIGKILL after ignoring SIGTERM for 10 s");
    }

    [Fact]
    public async Task A_preempted_job_reads_its_grace_from_DASHBOARD_PREEMPT_GRACE_checkpoints_on_SIGTERM_and_is_killed_after_that_grace()
    {
        var clock = new FakeTimeProvider();
        using var executor = Executor(clock, preemptGraceSeconds: 60);
        using var started = new Fifo(root, "started");
        using var termed = new Fifo(root, "termed");
        var command = $"step=0; trap 'echo \"step $step\" > \"$HOME/checkpoint\"; echo \"grace $DASHBOARD_PREEMPT_GRACE\" > {termed.Path}' TERM; "
            + $"step=7; echo started > {started.Path}; while :; do sleep 1; done";
        var launch = Launch(8, command, gpus: [0]);

        await executor.StartAsync(launch, CancellationToken.None);
        (await started.ReadLineAsync().WaitAsync(Patience)).Should().Be("started");
        await executor.PreemptAsync(launch.Id, CancellationToken.None);
        (await termed.ReadLineAsync().WaitAsync(Patience)).Should().Be("grace 60", "the job reads how long it has from DASHBOARD_PREEMPT_GRACE");
        File.ReadAllText(Path.Combine(JobsRoot, "8", "checkpoint")).Should().Be("step 7\n", "the job wrote its checkpoint on SIGTERM");

        clock.Advance(TimeSpan.FromSeconds(60));
        var exit = await exits.For(launch.Id).WaitAsync(Patience);

        exit.ExitCode.Should().BeNull();
        exit.Reason.Should().Be("killed with SIGKILL after ignoring SIGTERM for 60 s", "a preempted job gets the preemption grace, not the 10 s kill grace of a cancel");
    }

    [Fact]
    public async Task A_job_keeps_running_across_a_restart_of_the_executor_and_its_exit_code_is_collected_afterwards()
    {
        using var started = new Fifo(root, "started");
        using var release = new Fifo(root, "release");
        var launch = Launch(5, $"echo started > {started.Path}; read line < {release.Path}; exit 7", gpus: [1]);
        var first = Executor(TimeProvider.System);
        await first.StartAsync(launch, CancellationToken.None);
        (await started.ReadLineAsync().WaitAsync(Patience)).Should().Be("started");

        first.Dispose();
        using var second = Executor(TimeProvider.System);
        var outcome = await second.AdoptAsync(launch, CancellationToken.None);

        outcome.Should().Be(AdoptionOutcome.Adopted);
        exits.For(launch.Id).IsCompleted.Should().BeFalse();
        await release.WriteLineAsync("go").WaitAsync(Patience);
        var exit = await exits.For(launch.Id).WaitAsync(Patience);
        exit.ExitCode.Should().Be(7);
    }

    [Fact]
    public async Task A_job_that_ended_while_the_server_was_down_reports_its_recorded_exit_code()
    {
        var launch = Launch(6, "true", gpus: []);
        var folder = new JobRecordsFolder(RecordsRoot, launch.Id);
        folder.Create();
        await File.WriteAllTextAsync(folder.ExitCodePath, "0\n");
        using var executor = Executor(TimeProvider.System);

        var outcome = await executor.AdoptAsync(launch, CancellationToken.None);

        outcome.Should().Be(AdoptionOutcome.ExitedWhileDown);
        (await exits.For(launch.Id).WaitAsync(Patience)).ExitCode.Should().Be(0);
    }

    [Fact]
    public async Task A_job_whose_process_vanished_is_lost()
    {
        var launch = Launch(7, "true", gpus: []);
        var folder = new JobRecordsFolder(RecordsRoot, launch.Id);
        folder.Create();
        folder.WriteLaunch(new LaunchRecord(Pid: int.MaxValue - 1, StartTicks: 1));
        using var executor = Executor(TimeProvider.System);

        (await executor.AdoptAsync(launch, CancellationToken.None)).Should().Be(AdoptionOutcome.Lost);
    }

    [Fact]
    public async Task A_pid_reused_by_another_process_is_not_mistaken_for_the_job()
    {
        var launch = Launch(8, "true", gpus: []);
        var folder = new JobRecordsFolder(RecordsRoot, launch.Id);
        folder.Create();
        folder.WriteLaunch(new LaunchRecord(Environment.ProcessId, StartTicks: 42));
        using var executor = Executor(TimeProvider.System);

        (await executor.AdoptAsync(launch, CancellationToken.None)).Should().Be(AdoptionOutcome.Lost);
    }

    private LocalProcessExecutor Executor(TimeProvider time, int preemptGraceSeconds = 60) =>
        new(new LocalExecutorOptions { KillGracePeriod = TimeSpan.FromSeconds(10), PreemptGraceSeconds = preemptGraceSeconds, AdoptedPollInterval = TimeSpan.FromMilliseconds(50) }, TestIsolation.Detect(DataFolder, root), JobsRoot, RecordsRoot, "local", exits, time, NullLogger<LocalProcessExecutor>.Instance);

    private static JobLaunch Launch(long id, string command, int[] gpus, long cpuMillicores = 1000)
    {
        var spec = new JobSpec($"job-{id}", "alice", "vision", command, new ResourceRequest(gpus.Length, cpuMillicores, 256));
        var job = new Job(new JobId(id), spec, DateTimeOffset.UnixEpoch);
        return new JobLaunch(job, new GpuAllocation(job.Id, "local", [.. gpus], cpuMillicores, 256, DateTimeOffset.UnixEpoch, null));
    }
}
