using Dashboard.Engine.Execution;
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
    public void A_hidden_file_reads_as_dev_null_at_its_real_path_and_one_inside_a_hidden_folder_or_missing_is_left_out()
    {
        var secrets = Directory.CreateDirectory(Path.Combine(root, "etc-slurm")).FullName;
        var key = Path.Combine(secrets, "jwt_hs256.key");
        File.WriteAllText(key, "secret");
        var link = Path.Combine(root, "key-link");
        File.CreateSymbolicLink(link, key);
        var inData = Path.Combine(Data, "inside.key");
        File.WriteAllText(inData, "secret");
        var line = new SandboxCommandLine("bwrap", UseSandbox: true, [Data, link, inData, Path.Combine(root, "missing.key")], [root], []);

        var text = string.Join(' ', line.Build(new WorkloadLaunch("true", Work, null, [], null)));

        text.Should().Contain($"--ro-bind /dev/null {key} ", "the link's target is what a job would read");
        text.IndexOf($"--bind {root} {root}", StringComparison.Ordinal).Should().BeLessThan(text.IndexOf($"--ro-bind /dev/null {key}", StringComparison.Ordinal), "hidden inside a shared folder too");
        text.Should().NotContain("inside.key", "the data folder is hidden whole already").And.NotContain("missing.key");
    }

    [Fact]
    public void In_sandbox_mode_munges_socket_folders_are_hidden_and_in_owner_mode_they_are_kept()
    {
        var munge = Directory.CreateDirectory(Path.Combine(root, "run-munge")).FullName;
        var other = Directory.CreateDirectory(Path.Combine(root, "slurm-socket")).FullName;
        var options = new LocalExecutorOptions { MungeSocketFolders = [munge, Path.Combine(root, "absent")] };
        var sandbox = LocalJobIsolation.For(new IsolationChoice(IsolationMode.Sandbox, true, false, "Sandbox"), TestIsolation.Capabilities, options, [Data], mungeSockets: [other]);
        var owner = LocalJobIsolation.For(new IsolationChoice(IsolationMode.Owner, true, false, "Owner"), TestIsolation.Capabilities, options, [Data], mungeSockets: [other]);

        var sandboxed = string.Join(' ', sandbox.CommandLine.Build(new WorkloadLaunch("true", Work, null, [], null)));
        var owned = string.Join(' ', owner.CommandLine.Build(new WorkloadLaunch("true", Work, Alice, [], null)));

        sandboxed.Should().Contain($"--tmpfs {munge} ").And.Contain($"--tmpfs {other} ").And.NotContain("absent");
        owned.Should().NotContain(munge).And.NotContain(other);
        new LocalExecutorOptions().MungeSocketFolders.Should().Equal("/run/munge");
    }

    [Theory]
    [InlineData("AuthType=auth/munge\nAuthInfo=socket=/var/run/munge/munge.socket.2\n", "/var/run/munge/munge.socket.2")]
    [InlineData("authinfo = cred_expire=120,socket=/srv/munge/s # the cluster's\n", "/srv/munge/s")]
    [InlineData("#AuthInfo=socket=/commented/out\nAuthType=auth/munge\n", null)]
    [InlineData("AuthInfo=cred_expire=120\n", null)]
    public void The_munge_socket_is_read_from_slurm_conf(string conf, string? socket) =>
        LocalJobIsolation.MungeSocketOf(conf).Should().Be(socket);

    [Theory]
    [InlineData("/var/run/munge/munge.socket.2", "/var/run/munge")]
    [InlineData("/run/munge.socket", "/run/munge.socket")]
    [InlineData("/srv/slurm/munge/s", "/srv/slurm/munge")]
    public void A_socket_in_its_own_folder_is_hidden_with_it_and_one_in_a_system_folder_alone(string socket, string hidden) =>
        LocalJobIsolation.MungeHideTarget(socket).Should().Be(hidden);

    [Fact]
    public void Real_paths_resolve_every_link_on_the_way()
    {
        var real = Directory.CreateDirectory(Path.Combine(root, "real", "slurm")).FullName;
        File.WriteAllText(Path.Combine(real, "key"), "k");
        Directory.CreateSymbolicLink(Path.Combine(root, "etc"), Path.Combine(root, "real"));
        File.CreateSymbolicLink(Path.Combine(real, "current.key"), "key");

        LocalJobIsolation.RealPath(Path.Combine(root, "etc", "slurm", "current.key")).Should().Be(Path.Combine(LocalJobIsolation.RealPath(root), "real", "slurm", "key"));
        LocalJobIsolation.RealPath("/nonexistent/x").Should().Be("/nonexistent/x");
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
