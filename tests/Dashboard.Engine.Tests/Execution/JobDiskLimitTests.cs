using System.Diagnostics;
using Dashboard.Engine.Execution;
using Dashboard.Scheduling.Model;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Dashboard.Engine.Tests.Execution;

/// <summary>
/// A job's disk, with real processes in the isolation this host allows: no file past the limit (EFBIG), a folder past
/// it stopped at the next measurement, and the free-space floor (a real small tmpfs where this host lets the tests
/// mount one, and a fake free-space source). The measurement's timer runs on a <see cref="FakeTimeProvider"/>: each
/// test advances it once, after its jobs have written.
/// </summary>
public sealed class JobDiskLimitTests : IDisposable
{
    private const long MiB = 1024 * 1024;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);
    private readonly string root = Directory.CreateTempSubdirectory("dashboard-disk-").FullName;
    private readonly ExitRecorder exits = new();
    private readonly FakeTimeProvider clock = new();
    private bool mounted;

    public JobDiskLimitTests() => Directory.CreateDirectory(DataFolder);

    private string DataFolder => Path.Combine(root, "data");

    private string JobsRoot => Path.Combine(DataFolder, "jobs");

    private string RecordsRoot => Path.Combine(DataFolder, "job-records");

    public void Dispose()
    {
        if (mounted)
        {
            Run("umount", "--lazy", DataFolder);
        }

        Directory.Delete(root, recursive: true);
    }

    [Fact]
    public async Task A_file_cannot_grow_past_the_limit_the_write_fails_with_EFBIG()
    {
        using var executor = Executor(new LocalExecutorOptions { MaxJobDiskBytes = MiB, MinFreeDiskBytes = 0 });
        var launch = Launch(1, "head -c 3145728 /dev/zero > big; echo \"head=$?\"; echo \"size=$(wc -c < big)\"");

        await executor.StartAsync(launch, CancellationToken.None);
        var exit = await exits.For(launch.Id).WaitAsync(Patience);

        var log = await File.ReadAllTextAsync(new JobWorkFolder(JobsRoot, launch.Id).LogPath);
        log.Should().Contain("File too large", "the write past 1 MiB failed with EFBIG (SIGXFSZ is ignored, so head lives to say so)");
        log.Should().Contain("head=1").And.Contain("size=1048576");
        exit.ExitCode.Should().Be(0, "the job itself carried on after the failed write");
        exit.Reason.Should().BeNull();
    }

    [Fact]
    public async Task A_job_writing_many_small_files_past_the_limit_is_stopped_at_the_next_measurement_and_one_under_it_is_untouched()
    {
        using var executor = Executor(new LocalExecutorOptions { MaxJobDiskBytes = 4 * MiB, MinFreeDiskBytes = 0 });
        using var overWritten = new Fifo(root, "over");
        using var underWritten = new Fifo(root, "under");
        using var release = new Fifo(root, "release");
        var over = Launch(2, $"i=0; while [ $i -lt 40 ]; do head -c 262144 /dev/zero > f$i || exit 9; i=$((i+1)); done; echo written > {overWritten.Path}; exec sleep 600");
        var under = Launch(3, $"head -c 1048576 /dev/zero > f; echo written > {underWritten.Path}; read line < {release.Path}; exit 0");

        await executor.StartAsync(over, CancellationToken.None);
        await executor.StartAsync(under, CancellationToken.None);
        (await overWritten.ReadLineAsync().WaitAsync(Patience)).Should().Be("written", "each of its files is under the limit");
        (await underWritten.ReadLineAsync().WaitAsync(Patience)).Should().Be("written");
        exits.For(over.Id).IsCompleted.Should().BeFalse("nothing has measured its folder yet");

        clock.Advance(Interval);
        var stopped = await exits.For(over.Id).WaitAsync(Patience);

        stopped.ExitCode.Should().BeNull("a job stopped for its disk failed, whatever its workload answered to SIGTERM");
        stopped.Reason.Should().MatchRegex(@"^wrote 10(\.\d)? MiB into its folder, over the 4 MiB limit per job$");
        exits.For(under.Id).IsCompleted.Should().BeFalse("its folder, measured in the same check, is under the limit");
        await release.WriteLineAsync("go").WaitAsync(Patience);
        var untouched = await exits.For(under.Id).WaitAsync(Patience);
        untouched.ExitCode.Should().Be(0);
        untouched.Reason.Should().BeNull();
    }

    [Fact]
    public async Task Under_the_free_space_floor_of_a_small_real_filesystem_the_job_with_the_largest_folder_is_stopped()
    {
        if (!TryMountTmpfs(DataFolder, 32 * MiB))
        {
            Assert.Skip("mounting a tmpfs needs root (CAP_SYS_ADMIN)");
        }

        using var executor = Executor(new LocalExecutorOptions { MaxJobDiskBytes = 0, MinFreeDiskBytes = 12 * MiB });
        using var bigWritten = new Fifo(root, "big");
        using var smallWritten = new Fifo(root, "small");
        using var release = new Fifo(root, "release");
        var big = Launch(4, $"for i in 1 2 3 4; do head -c 4194304 /dev/zero > f$i; done; echo written > {bigWritten.Path}; exec sleep 600");
        var small = Launch(5, $"head -c 6291456 /dev/zero > f; echo written > {smallWritten.Path}; read line < {release.Path}; exit 0");

        await executor.StartAsync(big, CancellationToken.None);
        await executor.StartAsync(small, CancellationToken.None);
        (await bigWritten.ReadLineAsync().WaitAsync(Patience)).Should().Be("written");
        (await smallWritten.ReadLineAsync().WaitAsync(Patience)).Should().Be("written");
        FileSystemFreeSpace.Instance.AvailableBytes(JobsRoot).Should().BeLessThan(12 * MiB, "22 MiB of a 32 MiB filesystem are taken");

        clock.Advance(Interval);
        var stopped = await exits.For(big.Id).WaitAsync(Patience);

        stopped.ExitCode.Should().BeNull();
        stopped.Reason.Should().StartWith("stopped because the server's disk was nearly full (")
            .And.EndWith("free, under the 12 MiB kept free); its folder was the largest of the running jobs (16 MiB)");
        exits.For(small.Id).IsCompleted.Should().BeFalse("one job is stopped per check");
        await release.WriteLineAsync("go").WaitAsync(Patience);
        (await exits.For(small.Id).WaitAsync(Patience)).ExitCode.Should().Be(0);
    }

    [Fact]
    public async Task The_floor_is_checked_on_the_filesystem_the_free_space_source_reports()
    {
        var free = new FakeFreeSpace(MiB);
        using var executor = Executor(new LocalExecutorOptions { MaxJobDiskBytes = 0, MinFreeDiskBytes = 2L * 1024 * MiB }, free);
        using var started = new Fifo(root, "started");
        var launch = Launch(6, $"echo started > {started.Path}; exec sleep 600");

        await executor.StartAsync(launch, CancellationToken.None);
        (await started.ReadLineAsync().WaitAsync(Patience)).Should().Be("started");
        clock.Advance(Interval);
        var exit = await exits.For(launch.Id).WaitAsync(Patience);

        exit.Reason.Should().StartWith("stopped because the server's disk was nearly full (1 MiB free, under the 2 GiB kept free)");
        free.Asked.Should().Contain(JobsRoot).And.Contain(RecordsRoot);
    }

    [Fact]
    public async Task Under_the_floor_only_the_job_that_writes_is_stopped_and_once_nobody_writes_the_others_go_on()
    {
        var free = new FakeFreeSpace(1024 * MiB);
        using var executor = Executor(new LocalExecutorOptions { MaxJobDiskBytes = 0, MinFreeDiskBytes = 2L * 1024 * MiB }, free);
        using var largestWritten = new Fifo(root, "largest");
        using var idleWritten = new Fifo(root, "idle");
        using var writerWritten = new Fifo(root, "writer");
        using var writeMore = new Fifo(root, "more");
        var largest = Launch(7, $"head -c 8388608 /dev/zero > f; echo written > {largestWritten.Path}; exec sleep 600");
        var idle = Launch(8, $"head -c 4194304 /dev/zero > f; echo written > {idleWritten.Path}; exec sleep 600");
        var writer = Launch(9, $"head -c 1048576 /dev/zero > f; echo written > {writerWritten.Path}; read line < {writeMore.Path}; head -c 2097152 /dev/zero > g; echo written > {writerWritten.Path}; exec sleep 600");
        foreach (var (launch, written) in new[] { (largest, largestWritten), (idle, idleWritten), (writer, writerWritten) })
        {
            await executor.StartAsync(launch, CancellationToken.None);
            (await written.ReadLineAsync().WaitAsync(Patience)).Should().Be("written");
        }

        // The third check (reads 5 and 6) starts once the second has ended: the writer writes, and the space falls,
        // between the two checks' measurements.
        free.BeforeRead = read =>
        {
            if (read == 5)
            {
                free.Bytes = 512 * MiB;
                writeMore.WriteLineAsync("go").Wait(Patience);
                writerWritten.ReadLineAsync().Wait(Patience);
            }
        };

        clock.Advance(Interval);
        (await exits.For(largest.Id).WaitAsync(Patience)).Reason.Should().EndWith("its folder was the largest of the running jobs (8 MiB)", "the first check knows no growth");
        clock.Advance(Interval);
        // The timer keeps one pending tick: the next move waits until the second check has begun (its first read), or
        // two moves before the loop woke would make one check (seen once in ten runs).
        await WaitUntil(() => free.Asked.Count >= 3);
        clock.Advance(Interval);
        var stopped = await exits.For(writer.Id).WaitAsync(Patience);

        stopped.Reason.Should().StartWith("stopped because the server's disk was nearly full (512 MiB free, under the 2 GiB kept free); its folder grew the most of the running jobs (2 MiB since the last check, 3",
            "the second check, with the space unchanged, stopped nobody; the third stopped the job that wrote, not the larger idle one");
        exits.For(idle.Id).IsCompleted.Should().BeFalse("nobody else writes: the idle job goes on");
        await executor.StopAsync(idle.Id, CancellationToken.None);
        clock.Advance(TimeSpan.FromSeconds(10));
        await exits.For(idle.Id).WaitAsync(Patience);
    }

    [Fact]
    public async Task Given_the_node_state_the_executor_drains_the_node_under_the_floor_and_resumes_it_once_there_is_room_even_with_no_job_running()
    {
        var free = new FakeFreeSpace(MiB);
        var node = new RecordingNodeState();
        using var executor = Executor(new LocalExecutorOptions { MaxJobDiskBytes = 0, MinFreeDiskBytes = 2L * 1024 * MiB }, free, node);

        clock.Advance(Interval);
        (await node.Changed.Reader.ReadAsync().AsTask().WaitAsync(Patience)).Should().Be((NodeState.Draining,
            "disk nearly full: 1 MiB free, under the 2 GiB kept free (Executor:MinFreeDiskBytes); running jobs go on, new ones wait"));
        File.Exists(Path.Combine(RecordsRoot, DiskFloorDrain.MarkerFileName)).Should().BeTrue("a restarted server knows the drain was this one's");

        free.Bytes = 3L * 1024 * MiB;
        clock.Advance(Interval);
        (await node.Changed.Reader.ReadAsync().AsTask().WaitAsync(Patience)).Should().Be((NodeState.Ready, "the disk has room again (3 GiB free)"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_check_that_fails_does_not_end_the_checks_that_follow(bool unexpectedError)
    {
        // An IOException is what an unreadable filesystem throws; any other error (a NotSupportedException here, an
        // EntryPointNotFoundException where libc has no statx) must not end the checks either.
        var free = new FakeFreeSpace(MiB) { FailOnce = unexpectedError ? new NotSupportedException("no such filesystem call here") : new IOException("the filesystem could not be read") };
        var node = new RecordingNodeState();
        using var executor = Executor(new LocalExecutorOptions { MaxJobDiskBytes = 0, MinFreeDiskBytes = 2L * 1024 * MiB }, free, node);

        clock.Advance(Interval);
        await WaitUntil(() => !free.Asked.IsEmpty);
        node.Changed.Reader.TryPeek(out _).Should().BeFalse("the first check failed before it could drain the node");
        clock.Advance(Interval);

        (await node.Changed.Reader.ReadAsync().AsTask().WaitAsync(Patience)).Item1.Should().Be(NodeState.Draining, "the next check ran as usual");
    }

    /// <summary>Polls an observable state with a bounded wait (the check runs on the thread pool after the clock moved).</summary>
    private static async Task WaitUntil(Func<bool> condition)
    {
        var waited = Stopwatch.StartNew();
        while (!condition())
        {
            waited.Elapsed.Should().BeLessThan(Patience, "the state was not reached in time");
            await Task.Delay(TimeSpan.FromMilliseconds(10), TestContext.Current.CancellationToken);
        }
    }

    private LocalProcessExecutor Executor(LocalExecutorOptions options, IFreeDiskSpace? freeSpace = null, ILocalNodeState? nodeState = null)
    {
        options.KillGracePeriod = TimeSpan.FromSeconds(10);
        options.DiskCheckInterval = Interval;
        return new LocalProcessExecutor(
            options, TestIsolation.Detect(DataFolder, root), JobsRoot, RecordsRoot, "local", exits, clock, NullLogger<LocalProcessExecutor>.Instance, freeSpace: freeSpace, nodeState: nodeState);
    }

    private static JobLaunch Launch(long id, string command)
    {
        var spec = new JobSpec($"job-{id}", "alice", "vision", command, new ResourceRequest(0, 1000, 256));
        var job = new Job(new JobId(id), spec, DateTimeOffset.UnixEpoch);
        return new JobLaunch(job, new GpuAllocation(job.Id, "local", [], 1000, 256, DateTimeOffset.UnixEpoch, null));
    }

    private bool TryMountTmpfs(string folder, long bytes)
    {
        if (OperatingSystem.IsWindows() || Environment.UserName != "root")
        {
            return false;
        }

        mounted = Run("mount", "-t", "tmpfs", "-o", $"size={bytes},mode=0755", "tmpfs", folder) == 0;
        return mounted;
    }

    private static int Run(string program, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardError = true, UseShellExecute = false })!;
        process.WaitForExit();
        return process.ExitCode;
    }

    private sealed class FakeFreeSpace(long bytes) : IFreeDiskSpace
    {
        public System.Collections.Concurrent.ConcurrentQueue<string> Asked { get; } = new();

        public long Bytes { get; set; } = bytes;

        /// <summary>The error the next read fails with (an unreadable filesystem's IOException, or any other); null: none.</summary>
        public Exception? FailOnce { get; set; }

        /// <summary>Runs on the check's thread before each read, with the read's number (from 1; two reads a check).</summary>
        public Action<int>? BeforeRead { get; set; }

        public long? AvailableBytes(string path)
        {
            Asked.Enqueue(path);
            BeforeRead?.Invoke(Asked.Count);
            if (FailOnce is { } error)
            {
                FailOnce = null;
                throw error;
            }

            return Bytes;
        }
    }

    /// <summary>A Ready "local" node whose every change the test reads, in order, as it happens.</summary>
    private sealed class RecordingNodeState : ILocalNodeState
    {
        private NodeState state = NodeState.Ready;

        public System.Threading.Channels.Channel<(NodeState, string)> Changed { get; } = System.Threading.Channels.Channel.CreateUnbounded<(NodeState, string)>();

        private string? reason;

        public NodeState? StateOf(string node) => state;

        public string? ReasonOf(string node) => reason;

        public Task<bool> SetAsync(string node, NodeState newState, string newReason, CancellationToken cancellationToken)
        {
            state = newState;
            reason = newReason;
            Changed.Writer.TryWrite((newState, newReason));
            return Task.FromResult(true);
        }
    }
}
