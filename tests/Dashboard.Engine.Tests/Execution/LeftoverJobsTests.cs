using Dashboard.Engine.Execution;
using Dashboard.Scheduling.Model;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dashboard.Engine.Tests.Execution;

/// <summary>
/// A job outlives its executor (the server may restart and adopt it), so a server whose data is removed for good ends
/// its jobs from their launch records: the process, anything it started in its cgroups, and the cgroups themselves.
/// </summary>
public sealed class LeftoverJobsTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly string root = Directory.CreateTempSubdirectory("dashboard-leftovers-").FullName;
    private readonly ExitRecorder exits = new();

    public LeftoverJobsTests() => Directory.CreateDirectory(DataFolder);

    private string DataFolder => Path.Combine(root, "data");

    private string JobsRoot => Path.Combine(DataFolder, "jobs");

    private string RecordsRoot => Path.Combine(DataFolder, "job-records");

    public void Dispose() => Directory.Delete(root, recursive: true);

    [Fact]
    public async Task Jobs_left_running_by_a_stopped_executor_are_ended_with_their_daemons_and_cgroups()
    {
        var isolation = TestIsolation.Detect(DataFolder, root);
        var launch = Launch(7, "setsid sleep 600 & exec sleep 600");
        using (var executor = new LocalProcessExecutor(
            new LocalExecutorOptions(), isolation, JobsRoot, RecordsRoot, "local", exits, TimeProvider.System, NullLogger<LocalProcessExecutor>.Instance))
        {
            await executor.StartAsync(launch, CancellationToken.None);
        }

        var record = new JobRecordsFolder(RecordsRoot, launch.Id).ReadLaunch()!;
        ProcessSignals.ProcessAlive(record.Pid).Should().BeTrue("a job outlives its executor");

        var ended = await LeftoverJobs.EndAllAsync(RecordsRoot, Patience);

        ended.Should().Be(1);
        ProcessSignals.ProcessAlive(record.Pid).Should().BeFalse("the job's process is gone");
        foreach (var cgroup in record.Cgroups ?? [])
        {
            Directory.Exists(cgroup).Should().BeFalse("the job's cgroup (and the daemon it held) is removed");
            Directory.Exists(Path.GetDirectoryName(cgroup)).Should().BeFalse("no job of the executor is left in its folder");
        }

        (await LeftoverJobs.EndAllAsync(RecordsRoot, Patience)).Should().Be(0, "nothing is left to end");
    }

    [Fact]
    public async Task A_finished_job_and_an_absent_records_folder_are_left_alone()
    {
        (await LeftoverJobs.EndAllAsync(Path.Combine(root, "never-made"), Patience)).Should().Be(0);

        var isolation = TestIsolation.Detect(DataFolder, root);
        using var executor = new LocalProcessExecutor(
            new LocalExecutorOptions(), isolation, JobsRoot, RecordsRoot, "local", exits, TimeProvider.System, NullLogger<LocalProcessExecutor>.Instance);
        var launch = Launch(8, "exit 3");
        await executor.StartAsync(launch, CancellationToken.None);
        (await exits.For(launch.Id).WaitAsync(Patience)).ExitCode.Should().Be(3);

        (await LeftoverJobs.EndAllAsync(RecordsRoot, Patience)).Should().Be(0, "a job that ended is not counted");
    }

    private static JobLaunch Launch(long id, string command)
    {
        var spec = new JobSpec($"job-{id}", "alice", "vision", command, new ResourceRequest(0, 100, 64));
        var job = new Job(new JobId(id), spec, DateTimeOffset.UnixEpoch);
        return new JobLaunch(job, new GpuAllocation(job.Id, "local", [], 100, 64, DateTimeOffset.UnixEpoch, null));
    }
}
