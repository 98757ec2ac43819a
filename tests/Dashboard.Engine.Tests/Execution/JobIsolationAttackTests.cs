using System.Collections.Concurrent;
using System.Security.Cryptography;
using Dashboard.Data;
using Dashboard.Engine.Execution;
using Dashboard.Engine.Execution.Isolation;
using Dashboard.Scheduling.Model;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dashboard.Engine.Tests.Execution;

/// <summary>The attacks in the mode Auto picks on this host (on CI, as root: Owner, in bubblewrap, with cgroups).</summary>
public sealed class AutoModeAttackTests(ITestOutputHelper output) : JobIsolationAttackTests(IsolationSetting.Auto, output);

/// <summary>The attacks in Sandbox mode (the server's own user, in bubblewrap), the mode of a server that cannot switch users.</summary>
public sealed class SandboxModeAttackTests(ITestOutputHelper output) : JobIsolationAttackTests(IsolationSetting.Sandbox, output);

/// <summary>
/// The attacks of issue 16 replayed by real jobs against a server laid out as in production: a content root with
/// appsettings.json, a data folder inside it with the SQLite database (a user with a password hash), the key ring,
/// the jobs' folders and the executor's records. Each test names the isolation mode it ran in. Where this host allows
/// no such isolation, the local node refuses the job with the reason instead (and the test checks that).
/// </summary>
public abstract class JobIsolationAttackTests : IDisposable
{
    private const string DatabaseFile = "dashboard.db";
    private const string PasswordHash = "PBKDF2-HASH-OF-ALICE-7c1e";
    private const string SettingsSecret = "SETTINGS-SECRET-41d2";
    private const string KeyRingSecret = "KEY-RING-SECRET-93fa";
    private const string SlurmKeySecret = "SLURM-JWT-KEY-SECRET-0c6b";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly string root = Directory.CreateTempSubdirectory("dashboard-attack-").FullName;
    private readonly ExitRecorder exits = new();
    private readonly List<string> markers = [];
    private readonly ITestOutputHelper output;

    protected JobIsolationAttackTests(IsolationSetting setting, ITestOutputHelper output)
    {
        this.output = output;
        Setting = setting;
        // Jobs of other Unix users may pass through the test's folder to the pipes in it.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        }

        Directory.CreateDirectory(ContentRoot);
        Directory.CreateDirectory(Pipes);
        File.WriteAllText(Path.Combine(ContentRoot, "appsettings.json"), $$"""{ "Jwt": { "Key": "{{SettingsSecret}}" } }""");
        using (var database = Database.Open(new DatabaseOptions { DataFolder = DataFolder }, TimeProvider.System))
        using (var connection = database.OpenConnection())
        using (var insert = connection.CreateCommand())
        {
            insert.CommandText = $"INSERT INTO users (name, display_name, role, password_hash, created_at) VALUES ('alice', 'Alice', 'Member', '{PasswordHash}', 0)";
            insert.ExecuteNonQuery();
        }

        Directory.CreateDirectory(Path.Combine(DataFolder, "keys"));
        File.WriteAllText(Path.Combine(DataFolder, "keys", "key-1.xml"), $"<key>{KeyRingSecret}</key>");
        Isolation = LocalJobIsolation.For(IsolationChoice.Choose(setting, TestIsolation.Capabilities), TestIsolation.Capabilities,
            new LocalExecutorOptions { SharedPaths = [Pipes] }, [DataFolder, ContentRoot]);
        output.WriteLine($"isolation mode: {Isolation.Choice.Mode} ({Isolation.Choice.Description})");
    }

    private LocalJobIsolation Isolation { get; }

    private IsolationSetting Setting { get; }

    private string ContentRoot => Path.Combine(root, "app");

    private string DataFolder => Path.Combine(ContentRoot, "data");

    private string DatabasePath => Path.Combine(DataFolder, DatabaseFile);

    private string JobsRoot => Path.Combine(DataFolder, "jobs");

    private string RecordsRoot => Path.Combine(DataFolder, "job-records");

    private string Pipes => Path.Combine(root, "pipes");

    /// <summary>A failed test may leave its job running: its marked processes are ended with the test.</summary>
    public void Dispose()
    {
        GC.SuppressFinalize(this);
        foreach (var pid in markers.SelectMany(ProcessesWithArgument))
        {
            using var kill = System.Diagnostics.Process.Start("kill", ["-KILL", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            kill.WaitForExit();
        }

        Directory.Delete(root, recursive: true);
    }

    [Fact]
    public async Task A_job_cannot_promote_its_owner_in_the_database_by_absolute_or_relative_path()
    {
        var before = DatabaseFingerprint();
        var command = $"""
            sqlite3 {DatabasePath} "update users set role='Admin' where name='alice'"; echo "absolute=$?"
            sqlite3 ../../{DatabaseFile} "update users set role='Admin' where name='alice'"; echo "relative=$?"
            echo garbage >> {DatabasePath}; echo "append=$?"
            echo garbage >> ../../{DatabaseFile}-wal; echo "wal=$?"
            """;

        var log = await RunAsync(1, command);
        if (log is null)
        {
            return;
        }

        // In Sandbox mode the appends land on the empty tmpfs that stands for the data folder, and vanish with it.
        log.Should().NotContainAny("absolute=0", "relative=0");
        DatabaseFingerprint().Should().Be(before, "no byte of the database or its WAL changed");
        Role("alice").Should().Be("Member");
    }

    [Fact]
    public async Task A_job_cannot_read_the_password_hashes_the_settings_or_the_key_ring()
    {
        var command = $"""
            cat {DatabasePath}; echo "db=$?"
            cat ../../{DatabaseFile}-wal; echo "wal=$?"
            cat {ContentRoot}/appsettings.json; echo "settings=$?"
            cat {DataFolder}/keys/key-1.xml; echo "keys=$?"
            ls -a {DataFolder} | grep -q {DatabaseFile}; echo "listed=$?"
            """;

        var log = await RunAsync(2, command);
        if (log is null)
        {
            return;
        }

        log.Should().NotContainAny(PasswordHash, SettingsSecret, KeyRingSecret);
        log.Should().NotContainAny("db=0", "wal=0", "settings=0", "keys=0", "listed=0");
    }

    [Fact]
    public async Task A_forged_exit_code_does_not_end_a_job_that_keeps_running_across_a_restart()
    {
        var marker = Marker(301);
        var started = Pipe("started");
        var records = new JobRecordsFolder(RecordsRoot, new JobId(3));
        var launch = Launch(3, $"echo 0 > exit_code; echo 0 > {records.ExitCodePath}; echo up > {started}; exec sleep {marker}");
        var first = Executor();
        if (!await StartOrRefusedAsync(first, launch))
        {
            return;
        }

        (await ReadPipeAsync(started)).Should().Be("up");
        first.Dispose();
        using var second = Executor();

        (await second.AdoptAsync(launch, CancellationToken.None)).Should().Be(AdoptionOutcome.Adopted, "the job is still running whatever files it wrote");
        exits.For(launch.Id).IsCompleted.Should().BeFalse();
        records.ReadExitCode().Should().BeNull("the job could not write the executor's records");

        await second.StopAsync(launch.Id, CancellationToken.None);
        var exit = await exits.For(launch.Id).WaitAsync(Patience);
        exit.ExitCode.Should().NotBe(0);
        ProcessesWithArgument(marker).Should().BeEmpty();
    }

    [Fact]
    public async Task A_process_the_job_started_in_a_new_session_ends_when_the_job_is_cancelled()
    {
        var marker = Marker(302);
        var started = Pipe("started");
        // It reports "up" once the escaped process is sleep (setsid execs it in the same process).
        var launch = Launch(4, $"setsid sleep {marker} > /dev/null 2>&1 < /dev/null & escaped=$!; "
            + $"until [ \"$(tr '\\0' ' ' < /proc/$escaped/cmdline)\" = \"sleep {marker} \" ]; do :; done; echo up > {started}; exec sleep 600");
        using var executor = Executor();
        if (!await StartOrRefusedAsync(executor, launch))
        {
            return;
        }

        (await ReadPipeAsync(started)).Should().Be("up");
        ProcessesWithArgument(marker).Should().NotBeEmpty("the escaped process is running before the cancel");

        await executor.StopAsync(launch.Id, CancellationToken.None);
        await exits.For(launch.Id).WaitAsync(Patience);

        ProcessesWithArgument(marker).Should().BeEmpty("every process of the job ended before its exit was reported");
    }

    [Fact]
    public async Task A_job_that_ends_leaving_a_daemon_behind_is_never_reported_as_succeeded_and_the_daemon_ends()
    {
        var marker = Marker(303);
        // Tracking by cgroup alone (no bubblewrap, whose pid namespace would end the daemon by itself).
        if (Isolation.Cgroups is null)
        {
            output.WriteLine("no cgroups here: the daemon is caught only by the sandbox's pid namespace (see the cancel test)");
            Isolation.Choice.UseCgroups.Should().BeFalse();
            return;
        }

        var cgroupsOnly = Isolation with
        {
            Choice = Isolation.Choice with { UseSandbox = false },
            CommandLine = Isolation.CommandLine with { UseSandbox = false },
        };
        var launch = Launch(5, $"setsid sleep {marker} > /dev/null 2>&1 < /dev/null & exit 0");
        using var executor = Executor(cgroupsOnly);
        if (!await StartOrRefusedAsync(executor, launch))
        {
            return;
        }

        var exit = await exits.For(launch.Id).WaitAsync(Patience);
        output.WriteLine($"reported: {exit}; log: {await File.ReadAllTextAsync(new JobWorkFolder(JobsRoot, launch.Id).LogPath)}");

        exit.ExitCode.Should().BeNull("exit 0 with a process left behind is not a success");
        exit.Reason.Should().Be("left 1 process running after its command ended; they were killed");
        ProcessesWithArgument(marker).Should().BeEmpty();
    }

    [Fact]
    public async Task A_fork_bomb_stops_at_the_jobs_process_limit_and_its_processes_end_with_it()
    {
        var marker = Marker(304);
        if (Isolation.Cgroups is null)
        {
            output.WriteLine("no cgroups here: a job has no process limit (see docs/security.md)");
            Isolation.Choice.UseCgroups.Should().BeFalse();
            return;
        }

        // A bounded bomb: 60 processes that stay, each counted in the job's folder once its fork succeeded.
        var launch = Launch(10, $"for i in $(seq 60); do sleep {marker} & echo $i > forks; done; wait");
        using var executor = Executor(maxProcesses: 20);
        await executor.StartAsync(launch, CancellationToken.None);

        var exit = await exits.For(launch.Id).WaitAsync(Patience);
        var folder = new JobWorkFolder(JobsRoot, launch.Id);
        var log = await File.ReadAllTextAsync(folder.LogPath);
        output.WriteLine($"reported: {exit}; log: {log}");

        var forks = int.Parse((await File.ReadAllTextAsync(Path.Combine(folder.Path, "forks"))).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        forks.Should().BeLessThan(20, "no fork past the job's 20 processes (its shell, bubblewrap's and the sleeps) succeeds");
        log.Should().Contain("fork");
        exit.ExitCode.Should().NotBe(0);
        ProcessesWithArgument(marker).Should().BeEmpty("the processes it did start ended with it");
    }

    [Fact]
    public async Task A_job_has_its_own_writable_tmp_and_shared_memory_that_no_other_job_sees()
    {
        // What a training job's tools expect: scratch files in /tmp, and /dev/shm for the shared memory between a
        // data loader's worker processes (POSIX shm_open is a file there). As another user than bubblewrap's, too.
        var first = await RunAsync(11, """
            echo FIRST-JOB-SCRATCH > /tmp/scratch; echo "tmp=$?"
            echo segment > /dev/shm/segment; echo "shm=$?"
            """);
        if (first is null)
        {
            return;
        }

        first.Should().Contain("tmp=0").And.Contain("shm=0");
        var second = await RunAsync(12, """
            cat /tmp/scratch; echo "other-tmp=$?"
            cat /dev/shm/segment; echo "other-shm=$?"
            """);
        second!.Should().NotContain("FIRST-JOB-SCRATCH").And.NotContain("other-tmp=0").And.NotContain("other-shm=0");
        File.Exists("/tmp/scratch").Should().BeFalse("the job's /tmp is its own, not the host's");
    }

    [Fact]
    public async Task A_link_in_place_of_its_log_neither_shows_a_host_file_nor_gives_it_away_on_the_next_attempt()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        // A file of the server's user outside every hidden folder, like /etc/shadow or /etc/passwd.
        var hostFile = Path.Combine(root, "host-file");
        File.WriteAllText(hostFile, "HOST-FILE-SECRET-a51c\n");
        File.SetUnixFileMode(hostFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var before = File.ReadAllText(hostFile);

        var first = await RunAsync(13, $"rm -f output.log; ln -s {hostFile} output.log; echo linked", readLog: false);
        if (first is null)
        {
            return;
        }

        var logs = new JobLogs(JobsRoot);
        logs.Tail(new JobId(13)).Should().Be(JobLogTail.Missing, "a log that is a link is not read");
        logs.Read(new JobId(13), 0).Exists.Should().BeFalse();

        // The next attempt (requeue, preemption) of the same job, in the same folder.
        var second = Launch(13, "echo second attempt");
        exits.Forget(second.Id);
        using (var executor = Executor())
        {
            await executor.StartAsync(second, CancellationToken.None);
            await exits.For(second.Id).WaitAsync(Patience);
        }

        File.ReadAllText(hostFile).Should().Be(before, "nothing was appended to the host's file");
        File.GetUnixFileMode(hostFile).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Owner(hostFile).Should().Be(Owner(root), "the host's file still belongs to the server's user");
        var log = new JobWorkFolder(JobsRoot, second.Id).LogPath;
        new FileInfo(log).LinkTarget.Should().BeNull("a new log replaced the link");
        File.ReadAllText(log).Should().Contain("second attempt");
        logs.Tail(new JobId(13)).Lines.Should().Contain("second attempt");
    }

    [Fact]
    public async Task A_fifo_in_place_of_its_log_does_not_hang_the_server_reading_it()
    {
        var log = await RunAsync(14, "rm -f output.log; mkfifo output.log; echo made", readLog: false);
        if (log is null)
        {
            return;
        }

        var logs = new JobLogs(JobsRoot);
        var read = Task.Run(() => (logs.Tail(new JobId(14)), logs.Read(new JobId(14), 0)));
        var (tail, chunk) = await read.WaitAsync(Patience);
        tail.Should().Be(JobLogTail.Missing);
        chunk.Exists.Should().BeFalse();
    }

    [Fact]
    public async Task Its_tmp_and_shared_memory_hold_no_more_than_the_jobs_memory()
    {
        // Files in a tmpfs are memory that no process holds: the OOM killer cannot end them by ending the job, and
        // would end the server instead. Each is as large as the job's memory (256 MiB here) at most.
        var log = await RunAsync(15, """
            dd if=/dev/zero of=/dev/shm/fill bs=1M count=400 2>&1 | grep -o "No space left on device"
            echo "shm-full=$(( $(stat -c %s /dev/shm/fill) >> 20 ))"
            dd if=/dev/zero of=/tmp/fill bs=1M count=400 2>/dev/null
            echo "tmp-full=$(( $(stat -c %s /tmp/fill) >> 20 ))"
            """);
        if (log is null)
        {
            return;
        }

        log.Should().Contain("No space left on device").And.Contain("shm-full=256").And.Contain("tmp-full=256");
    }

    [Fact]
    public async Task A_job_cannot_signal_the_server()
    {
        var log = await RunAsync(6, $"kill -0 {Environment.ProcessId}; echo \"kill=$?\"; kill -TERM {Environment.ProcessId}; echo \"term=$?\"");
        if (log is null)
        {
            return;
        }

        log.Should().Contain("kill=1").And.Contain("term=1");
    }

    [Fact]
    public async Task A_job_cannot_reach_another_jobs_folder_or_records()
    {
        var first = await RunAsync(7, "echo OTHER-JOB-SECRET-5be0 > secret.txt; echo wrote");
        if (first is null)
        {
            return;
        }

        var log = await RunAsync(8, $"""
            cat {JobsRoot}/7/secret.txt; echo "folder=$?"
            cat ../7/secret.txt; echo "relative=$?"
            echo x > {JobsRoot}/7/planted; echo "plant=$?"
            cat {RecordsRoot}/7/launch.json; echo "records=$?"
            ls {JobsRoot}; echo "list=$?"
            """);

        log!.Should().NotContain("OTHER-JOB-SECRET-5be0");
        log.Should().NotContainAny("folder=0", "relative=0", "plant=0", "records=0");
        File.Exists(Path.Combine(JobsRoot, "7", "planted")).Should().BeFalse();
    }

    [Fact]
    public async Task In_sandbox_mode_a_job_cannot_reach_munge_or_read_the_slurm_key_and_in_owner_mode_it_keeps_munge()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        // A munge socket and a JWT key where a job could see them (a shared folder: the sandbox's /tmp is its own).
        var mungeFolder = Directory.CreateDirectory(Path.Combine(Pipes, "munge")).FullName;
        File.SetUnixFileMode(mungeFolder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        var socketPath = Path.Combine(mungeFolder, "munge.socket.2");
        var keyPath = Path.Combine(Pipes, "jwt_hs256.key");
        File.WriteAllText(keyPath, SlurmKeySecret);
        File.SetUnixFileMode(keyPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        using var munge = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
        munge.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(socketPath));
        munge.Listen();
        File.SetUnixFileMode(socketPath, (UnixFileMode)0x1FF);
        var connections = 0;
        _ = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    using var client = await munge.AcceptAsync();
                    Interlocked.Increment(ref connections);
                }
            }
            catch (Exception error) when (error is System.Net.Sockets.SocketException or ObjectDisposedException)
            {
                // The test is over.
            }
        });
        var isolation = LocalJobIsolation.For(IsolationChoice.Choose(Setting, TestIsolation.Capabilities), TestIsolation.Capabilities,
            new LocalExecutorOptions { SharedPaths = [Pipes], MungeSocketFolders = [mungeFolder] }, [DataFolder, ContentRoot, keyPath]);

        var log = await RunAsync(10, $"""
            test -S {socketPath}; echo "socket=$?"
            /usr/bin/python3 -c "import socket,sys; s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])" {socketPath} 2>&1; echo "connect=$?"
            cat {keyPath}; echo "key=$?"
            """, isolation: isolation);
        if (log is null)
        {
            return;
        }

        log.Should().NotContain(SlurmKeySecret, "the key is hidden in every mode (here it is also the server's 0600 file)");
        if (isolation.Choice.Mode == IsolationMode.Sandbox)
        {
            log.Should().Contain("socket=1").And.NotContain("connect=0");
            Volatile.Read(ref connections).Should().Be(0, "the job, the server's user, must not get munge credentials for Slurm");
        }
        else
        {
            log.Should().Contain("socket=0", "in Owner mode a job keeps munge: Slurm knows it as its own user");
        }
    }

    [Fact]
    public async Task The_refuse_mode_refuses_a_job_with_the_reason_and_starts_nothing()
    {
        var refused = Isolation with { Choice = IsolationChoice.Choose(IsolationSetting.Refuse, TestIsolation.Capabilities) };
        using var executor = Executor(refused);

        var start = () => executor.StartAsync(Launch(9, "echo ran"), CancellationToken.None);

        (await start.Should().ThrowAsync<InvalidOperationException>()).WithMessage("the local node runs no jobs: Executor:Isolation is Refuse");
        Directory.Exists(Path.Combine(JobsRoot, "9")).Should().BeFalse();
    }

    /// <summary>Runs the job to its end and returns its log; null (after checking the refusal) where this host allows no isolation.</summary>
    private async Task<string?> RunAsync(long id, string command, bool readLog = true, LocalJobIsolation? isolation = null)
    {
        using var executor = Executor(isolation);
        var launch = Launch(id, command);
        if (!await StartOrRefusedAsync(executor, launch))
        {
            return null;
        }

        await exits.For(launch.Id).WaitAsync(Patience);
        if (!readLog)
        {
            return string.Empty;
        }

        var log = await File.ReadAllTextAsync(new JobWorkFolder(JobsRoot, launch.Id).LogPath);
        output.WriteLine($"job {id}'s output:\n{log}");
        return log;
    }

    private async Task<bool> StartOrRefusedAsync(LocalProcessExecutor executor, JobLaunch launch)
    {
        if (Isolation.Choice.Mode != IsolationMode.Refuse)
        {
            await executor.StartAsync(launch, CancellationToken.None);
            return true;
        }

        var start = () => executor.StartAsync(launch, CancellationToken.None);
        (await start.Should().ThrowAsync<InvalidOperationException>()).WithMessage("the local node runs no jobs: *");
        return false;
    }

    private LocalProcessExecutor Executor(LocalJobIsolation? isolation = null, int maxProcesses = 8192) => new(
        new LocalExecutorOptions { KillGracePeriod = TimeSpan.FromSeconds(10), AdoptedPollInterval = TimeSpan.FromMilliseconds(50), MaxProcessesPerJob = maxProcesses },
        isolation ?? Isolation, JobsRoot, RecordsRoot, "local", exits, TimeProvider.System, NullLogger<LocalProcessExecutor>.Instance);

    private string Pipe(string name)
    {
        var path = Path.Combine(Pipes, name + ".fifo");
        TestIsolation.MakePipe(path);
        return path;
    }

    /// <summary>Opening a FIFO blocks until the job opens it too: both happen off the test's thread, within its patience.</summary>
    private static Task<string?> ReadPipeAsync(string path) => Task.Run(() =>
    {
        using var reader = new StreamReader(path);
        return reader.ReadLine();
    }).WaitAsync(Patience);

    private string DatabaseFingerprint() => string.Join(',', new[] { DatabasePath, DatabasePath + "-wal" }
        .Where(File.Exists)
        .Select(f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f)))));

    private static string Owner(string path)
    {
        using var stat = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("stat", ["-c", "%u:%g", path]) { RedirectStandardOutput = true })!;
        var owner = stat.StandardOutput.ReadToEnd().Trim();
        stat.WaitForExit();
        return owner;
    }

    private string? Role(string user)
    {
        using var database = Database.Open(new DatabaseOptions { DataFolder = DataFolder }, TimeProvider.System);
        using var connection = database.OpenConnection();
        using var query = connection.CreateCommand();
        query.CommandText = $"SELECT role FROM users WHERE name = '{user}'";
        return (string?)query.ExecuteScalar();
    }

    /// <summary>A sleep duration no other test (nor an earlier run of this one) uses, to find the job's processes by.</summary>
    private string Marker(int seconds)
    {
        var marker = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{seconds}.{Random.Shared.Next(100_000, 1_000_000)}");
        markers.Add(marker);
        return marker;
    }

    /// <summary>The pids of live processes with <paramref name="argument"/> among their arguments (a marker no other test uses).</summary>
    private static List<int> ProcessesWithArgument(string argument)
    {
        var found = new List<int>();
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            try
            {
                var arguments = File.ReadAllText(Path.Combine(folder, "cmdline")).Split('\0');
                var state = File.ReadAllText(Path.Combine(folder, "stat"));
                if (arguments.Contains(argument) && !state[(state.LastIndexOf(')') + 2)..].StartsWith('Z'))
                {
                    found.Add(int.Parse(Path.GetFileName(folder), System.Globalization.CultureInfo.InvariantCulture));
                }
            }
            catch (Exception error) when (error is IOException or UnauthorizedAccessException)
            {
                // Not a process, or gone meanwhile.
            }
        }

        return found;
    }

    private static JobLaunch Launch(long id, string command)
    {
        var spec = new JobSpec($"job-{id}", "alice", "vision", command, new ResourceRequest(0, 1000, 256));
        var job = new Job(new JobId(id), spec, DateTimeOffset.UnixEpoch);
        return new JobLaunch(job, new GpuAllocation(job.Id, "local", [], 1000, 256, DateTimeOffset.UnixEpoch, null));
    }
}
