using Dashboard.Engine.Execution.Isolation;

namespace Dashboard.Engine.Tests.Execution;

public sealed class IsolationChoiceTests
{
    private static readonly CgroupV1Root Cgroups = new(new Dictionary<string, string> { ["pids"] = "/sys/fs/cgroup/pids/compute-dashboard" });

    [Fact]
    public void Auto_takes_Owner_with_bubblewrap_and_cgroups_on_a_host_that_allows_all()
    {
        var choice = IsolationChoice.Choose(IsolationSetting.Auto, new HostCapabilities(true, true, Cgroups));

        choice.Should().Be(new IsolationChoice(IsolationMode.Owner, true, true,
            "Owner: each job runs as its owner's Unix user, inside bubblewrap, each job in its own cgroup"));
        choice.RefusalReason.Should().BeNull();
    }

    [Fact]
    public void Auto_takes_Owner_without_a_sandbox_where_bubblewrap_fails_and_says_why()
    {
        var choice = IsolationChoice.Choose(IsolationSetting.Auto, new HostCapabilities(true, false, null, "bwrap is not installed (Debian: apt-get install bubblewrap)"));

        choice.Mode.Should().Be(IsolationMode.Owner);
        choice.UseSandbox.Should().BeFalse();
        choice.UseCgroups.Should().BeFalse();
        choice.Description.Should().Be("Owner: each job runs as its owner's Unix user (no bubblewrap: bwrap is not installed (Debian: apt-get install bubblewrap)), "
            + "no cgroups (jobs tracked by process group and job marker; limits by taskset/prlimit)");
    }

    [Fact]
    public void Auto_takes_Sandbox_when_the_server_cannot_switch_users()
    {
        var choice = IsolationChoice.Choose(IsolationSetting.Auto, new HostCapabilities(false, true, Cgroups));

        choice.Mode.Should().Be(IsolationMode.Sandbox);
        choice.UseSandbox.Should().BeTrue();
    }

    [Fact]
    public void Auto_refuses_jobs_when_neither_is_possible_and_says_how_to_fix_it()
    {
        var choice = IsolationChoice.Choose(IsolationSetting.Auto, new HostCapabilities(false, false, null, "bwrap failed: setting up uid map: Permission denied"));

        choice.Mode.Should().Be(IsolationMode.Refuse);
        choice.RefusalReason.Should().Be("the local node runs no jobs: no isolation available (install bubblewrap, or run the server as root): bwrap failed: setting up uid map: Permission denied");
    }

    [Theory]
    [InlineData(IsolationSetting.Owner, false, true, "the local node runs no jobs: Executor:Isolation is Owner but the server cannot switch users (run it as root, or give it CAP_SETUID and CAP_SETGID)")]
    [InlineData(IsolationSetting.Sandbox, true, false, "the local node runs no jobs: Executor:Isolation is Sandbox but bubblewrap does not work here")]
    [InlineData(IsolationSetting.Refuse, true, true, "the local node runs no jobs: Executor:Isolation is Refuse")]
    public void A_mode_the_host_cannot_give_or_Refuse_itself_refuses_jobs_with_the_reason(IsolationSetting setting, bool switchesUsers, bool sandboxWorks, string reason) =>
        IsolationChoice.Choose(setting, new HostCapabilities(switchesUsers, sandboxWorks, Cgroups)).RefusalReason.Should().Be(reason);

    [Fact]
    public void Sandbox_asked_for_on_a_host_that_could_switch_users_is_Sandbox()
    {
        var choice = IsolationChoice.Choose(IsolationSetting.Sandbox, new HostCapabilities(true, true, Cgroups));

        choice.Mode.Should().Be(IsolationMode.Sandbox);
    }

    [Theory]
    [InlineData("Uid:\t0\t0\t0\t0\nCapEff:\t0000000000000000\n", true)]
    [InlineData("Uid:\t1000\t1000\t1000\t1000\nCapEff:\t00000000000000c0\n", true)]
    [InlineData("Uid:\t1000\t1000\t1000\t1000\nCapEff:\t0000000000000080\n", false)]
    [InlineData("Uid:\t1000\t1000\t1000\t1000\nCapEff:\t0000000000000000\n", false)]
    [InlineData("Uid:\t0\t1000\t1000\t1000\nCapEff:\t0000000000000000\n", false)]
    public void Switching_users_takes_an_effective_uid_of_0_or_CAP_SETUID_and_CAP_SETGID(string status, bool switches) =>
        HostCapabilities.SwitchesUsers(status).Should().Be(switches);

    [Fact]
    public void The_servers_own_cgroup_of_a_controller_is_read_from_proc_self_cgroup()
    {
        const string procSelfCgroup = "12:pids:/\n4:memory:/process_api/ae77\n2:cpu,cpuacct:/user.slice\n0::/\n";

        CgroupV1Root.OwnPath(procSelfCgroup, "memory").Should().Be("/process_api/ae77");
        CgroupV1Root.OwnPath(procSelfCgroup, "cpu").Should().Be("/user.slice");
        CgroupV1Root.OwnPath(procSelfCgroup, "freezer").Should().Be("/");
    }
}
