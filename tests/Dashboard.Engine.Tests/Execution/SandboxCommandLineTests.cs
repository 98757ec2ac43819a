using Dashboard.Engine.Execution.Isolation;

namespace Dashboard.Engine.Tests.Execution;

public sealed class SandboxCommandLineTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("dashboard-cmdline-").FullName;
    private static readonly UnixAccount Alice = new("alice", 1001, 1002);

    public void Dispose() => Directory.Delete(root, recursive: true);

    private string Data => Directory.CreateDirectory(Path.Combine(root, "data")).FullName;

    private string Work => Directory.CreateDirectory(Path.Combine(Data, "jobs", "7")).FullName;

    [Fact]
    public void Owner_mode_in_the_sandbox_hides_the_servers_folders_binds_only_the_jobs_folder_and_switches_user_inside()
    {
        var line = new SandboxCommandLine("bwrap", UseSandbox: true, [Data, "/nonexistent-home"], [], ["/dev/nvidia0"]);

        var arguments = line.Build(new WorkloadLaunch("python train.py", Work, Alice, [], null));

        arguments.Should().StartWith(["bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--perms", "1777", "--tmpfs", "/tmp", "--perms", "1777", "--tmpfs", "/dev/shm", "--dev-bind", "/dev/nvidia0", "/dev/nvidia0"]);
        var text = string.Join(' ', arguments);
        text.Should().Contain($"--tmpfs {Data} ");
        text.IndexOf($"--tmpfs {Data} ", StringComparison.Ordinal).Should().BeLessThan(text.IndexOf($"--bind {Work} {Work}", StringComparison.Ordinal), "the job's folder is mounted on top of the hidden data folder");
        text.Should().Contain($"--perms 0711 --dir {Path.Combine(Data, "jobs")} ", "a folder made on the tmpfs lets the job's user pass through");
        text.Should().NotContain("/nonexistent-home", "a folder that does not exist is not mounted over");
        text.Should().Contain("--unshare-pid --unshare-ipc --die-with-parent --");
        text.Should().NotContain("--cap-drop", "setpriv inside needs the capability to switch; it drops them all with the user");
        text.Should().EndWith("-- env --default-signal=TERM setpriv --reuid=1001 --regid=1002 --init-groups --no-new-privs --bounding-set=-all -- sh -c python train.py");
    }

    [Fact]
    public void The_private_tmp_and_shared_memory_are_as_large_as_the_jobs_memory()
    {
        var line = new SandboxCommandLine("bwrap", UseSandbox: true, [Data], [], []);

        var text = string.Join(' ', line.Build(new WorkloadLaunch("true", Work, Alice, [], null, 256L * 1024 * 1024)));

        text.Should().Contain("--perms 1777 --size 268435456 --tmpfs /tmp --perms 1777 --size 268435456 --tmpfs /dev/shm ");
    }

    [Fact]
    public void A_disk_limit_caps_every_file_with_prlimit_and_ignores_SIGXFSZ_so_the_write_fails_with_EFBIG()
    {
        var line = new SandboxCommandLine("bwrap", UseSandbox: true, [Data], [], []);

        var arguments = line.Build(new WorkloadLaunch("true", Work, Alice, [], null, FileSizeLimitBytes: 20L * 1024 * 1024 * 1024));

        arguments.Should().StartWith(["prlimit", "--fsize=21474836480", "--", "env", "--ignore-signal=XFSZ", "bwrap"]);
    }

    [Fact]
    public void Without_cgroups_the_memory_and_file_size_limits_share_one_prlimit()
    {
        var line = new SandboxCommandLine("bwrap", UseSandbox: false, [Data], [], []);

        var arguments = line.Build(new WorkloadLaunch("true", Work, null, [], 512L * 1024 * 1024, FileSizeLimitBytes: 1024));

        arguments.Should().Equal("prlimit", "--data=536870912", "--fsize=1024", "--", "env", "--ignore-signal=XFSZ", "sh", "-c", "true");
    }

    [Fact]
    public void Sandbox_mode_drops_every_capability_and_switches_no_user()
    {
        var line = new SandboxCommandLine("bwrap", UseSandbox: true, [Data], [], []);

        var arguments = line.Build(new WorkloadLaunch("true", Work, null, [], null));

        string.Join(' ', arguments).Should().Contain("--cap-drop ALL --").And.NotContain("setpriv");
    }

    [Fact]
    public void Shared_folders_are_bound_before_the_hidden_ones_so_a_hidden_folder_inside_a_shared_one_stays_hidden()
    {
        var line = new SandboxCommandLine("bwrap", UseSandbox: true, [Data], [root], []);

        var text = string.Join(' ', line.Build(new WorkloadLaunch("true", Work, null, [], null)));

        text.IndexOf($"--bind {root} {root}", StringComparison.Ordinal).Should().BeLessThan(text.IndexOf($"--tmpfs {Data}", StringComparison.Ordinal));
    }

    [Fact]
    public void Without_a_sandbox_owner_mode_is_setpriv_alone_and_taskset_and_prlimit_stand_in_for_missing_cgroups()
    {
        var line = new SandboxCommandLine("bwrap", UseSandbox: false, [Data], [], []);

        var arguments = line.Build(new WorkloadLaunch("true", Work, Alice, [2, 3], 512L * 1024 * 1024));

        arguments.Should().Equal(
            "taskset", "-c", "2,3", "prlimit", "--data=536870912", "--",
            "setpriv", "--reuid=1001", "--regid=1002", "--init-groups", "--no-new-privs", "--bounding-set=-all", "--", "sh", "-c", "true");
    }
}
