using Dashboard.Engine.Execution;
using Dashboard.Scheduling.Model;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dashboard.Engine.Tests.Execution;

/// <summary>
/// Many jobs launched side by side, as the engine hands out a batch's starts: real processes in the isolation this host
/// allows, each with its own folders, cgroups and exit.
/// </summary>
public sealed class ConcurrentLaunchTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly string root = Directory.CreateTempSubdirectory("dashboard-launches-").FullName;
    private readonly ExitRecorder exits = new();

    public ConcurrentLaunchTests() => Directory.CreateDirectory(DataFolder);

    private string DataFolder => Path.Combine(root, "data");

    private string JobsRoot => Path.Combine(DataFolder, "jobs");

    private string RecordsRoot => Path.Combine(DataFolder, "job-records");

    public void Dispose() => Directory.Delete(root, recursive: true);

    [Fact]
    public async Task Jobs_launched_side_by_side_each_report_their_own_exit_and_leave_no_cgroup_behind()
    {
        var isolation = TestIsolation.Detect(DataFolder, root);
        using var executor = new LocalProcessExecutor(
            new LocalExecutorOptions(), isolation, JobsRoot, RecordsRoot, "local", exits, TimeProvider.System, NullLogger<LocalProcessExecutor>.Instance);
        var launches = Enumerable.Range(1, 12).Select(i => Launch(i, $"echo \"job $DASHBOARD_JOB_ID\"; exit {i}")).ToList();

        await Task.WhenAll(launches.Select(l => Task.Run(() => executor.StartAsync(l, CancellationToken.None))));
        var ended = await Task.WhenAll(launches.Select(l => exits.For(l.Id).WaitAsync(Patience)));

        ended.Select(e => (e.Job.Value, e.ExitCode)).Should().Equal(launches.Select(l => (l.Id.Value, (int?)l.Id.Value)), "each job's own code, none lost or swapped");
        ended.Should().OnlyContain(e => e.Reason == null);
        foreach (var launch in launches)
        {
            (await File.ReadAllTextAsync(new JobWorkFolder(JobsRoot, launch.Id).LogPath)).Should().Be($"job {launch.Id.Value}\n");
            var cgroups = new JobRecordsFolder(RecordsRoot, launch.Id).ReadLaunch()!.Cgroups ?? [];
            cgroups.Should().HaveCount(isolation.Cgroups?.Controllers.Count ?? 0);
            cgroups.Should().OnlyContain(folder => !Directory.Exists(folder), "a job's cgroups are removed once it has ended");
            cgroups.Should().OnlyContain(folder => !Directory.Exists(Path.GetDirectoryName(folder)), "the last job to end removes the executor's cgroup folder");
        }
    }

    [Fact]
    public async Task The_executors_cgroup_folder_stays_while_one_of_its_jobs_runs()
    {
        var isolation = TestIsolation.Detect(DataFolder, root);
        if (isolation.Cgroups is null)
        {
            isolation.Choice.UseCgroups.Should().BeFalse("this host has no cgroups to keep");
            return;
        }

        using var executor = new LocalProcessExecutor(
            new LocalExecutorOptions { KillGracePeriod = TimeSpan.FromSeconds(10) }, isolation, JobsRoot, RecordsRoot, "local", exits, TimeProvider.System, NullLogger<LocalProcessExecutor>.Instance);
        var running = Launch(1, "exec sleep 600");
        var quick = Launch(2, "exit 0");

        await executor.StartAsync(running, CancellationToken.None);
        await executor.StartAsync(quick, CancellationToken.None);
        (await exits.For(quick.Id).WaitAsync(Patience)).ExitCode.Should().Be(0);

        var quickCgroups = new JobRecordsFolder(RecordsRoot, quick.Id).ReadLaunch()!.Cgroups!;
        var runningCgroups = new JobRecordsFolder(RecordsRoot, running.Id).ReadLaunch()!.Cgroups!;
        quickCgroups.Should().OnlyContain(folder => !Directory.Exists(folder));
        runningCgroups.Should().OnlyContain(folder => Directory.Exists(folder), "the running job keeps its cgroups, and so the executor's folder");

        await executor.StopAsync(running.Id, CancellationToken.None);
        (await exits.For(running.Id).WaitAsync(Patience)).ExitCode.Should().Be(143);
        runningCgroups.Should().OnlyContain(folder => !Directory.Exists(folder) && !Directory.Exists(Path.GetDirectoryName(folder)));
    }

    private static JobLaunch Launch(long id, string command)
    {
        var spec = new JobSpec($"job-{id}", "alice", "vision", command, new ResourceRequest(0, 100, 64));
        var job = new Job(new JobId(id), spec, DateTimeOffset.UnixEpoch);
        return new JobLaunch(job, new GpuAllocation(job.Id, "local", [], 100, 64, DateTimeOffset.UnixEpoch, null));
    }
}
