using System.Net;
using System.Net.Sockets;
using Dashboard.Engine.Sessions;

namespace Dashboard.Engine.Tests.Sessions;

/// <summary>
/// Who holds a loopback port, against real sockets and processes of this host: a listener that a process of the known
/// tree (or cgroup) holds is the session's; one of another tree, on the same port (SO_REUSEPORT) or another, is not;
/// a socket made by another uid than the job's is not; a free port has no listener.
/// </summary>
public sealed class LoopbackListenerOwnerTests
{
    [Fact]
    public async Task A_child_of_the_known_process_tree_that_listens_is_found_as_the_owner()
    {
        using var job = await ListeningChild.StartAsync();

        var found = LoopbackListenerOwner.Check(job.Port, SessionJobProcesses.OfTree(job.RootPid), runAsUid: null);

        found.Verdict.Should().Be(ListenerVerdict.Session);
        found.Inodes.Should().ContainSingle();
        LoopbackListenerOwner.SocketsHeldBy(job.ListenerPid).Should().Contain(found.Inodes[0], "the listener holds socket:[inode] among its fds");
    }

    [Fact]
    public async Task A_listener_of_another_process_tree_is_refused_with_the_reason()
    {
        using var job = await ListeningChild.StartAsync();
        using var stranger = await ListeningChild.StartAsync();

        var onStrangersPort = LoopbackListenerOwner.Check(stranger.Port, SessionJobProcesses.OfTree(job.RootPid), runAsUid: null);

        onStrangersPort.Verdict.Should().Be(ListenerVerdict.Outsider);
        onStrangersPort.Reason.Should().StartWith($"port {stranger.Port} is held by a process outside this session");
    }

    [Fact]
    public async Task A_second_listener_sharing_the_port_with_so_reuseport_makes_the_port_not_the_sessions()
    {
        using var job = await ListeningChild.StartAsync(reusePort: true);
        using var stranger = await ListeningChild.StartAsync(job.Port, reusePort: true);

        var found = LoopbackListenerOwner.Check(job.Port, SessionJobProcesses.OfTree(job.RootPid), runAsUid: null);

        ListeningSockets.On(job.Port).Should().HaveCount(2, "the kernel shares the port between both");
        found.Verdict.Should().Be(ListenerVerdict.Outsider, "some connections would go to the stranger");
    }

    [Fact]
    public async Task A_socket_made_by_another_uid_than_the_jobs_is_refused()
    {
        using var job = await ListeningChild.StartAsync();
        var madeBy = ListeningSockets.On(job.Port)!.Single().Uid;

        var found = LoopbackListenerOwner.Check(job.Port, SessionJobProcesses.OfTree(job.RootPid), runAsUid: madeBy + 1);

        found.Verdict.Should().Be(ListenerVerdict.Outsider);
        found.Reason.Should().Contain($"uid {madeBy}");
    }

    [Fact]
    public async Task A_tree_whose_root_is_gone_owns_nothing()
    {
        var job = await ListeningChild.StartAsync();
        var processes = SessionJobProcesses.OfTree(job.RootPid);
        using var stranger = await ListeningChild.StartAsync();
        job.Dispose();

        processes.Pids().Should().BeEmpty();
        LoopbackListenerOwner.Check(stranger.Port, processes, null).Verdict.Should().Be(ListenerVerdict.Outsider);
    }

    [Fact]
    public void A_free_port_has_no_listener()
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        LoopbackListenerOwner.Check(port, SessionJobProcesses.OfTree(Environment.ProcessId), null).Verdict.Should().Be(ListenerVerdict.NotListening);
    }

    [Fact]
    public async Task A_listener_in_the_jobs_cgroup_is_the_sessions_and_one_outside_it_is_not()
    {
        const string Root = "/sys/fs/cgroup/pids";
        var folder = Path.Combine(Root, $"dashboard-test-port35-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            Directory.CreateDirectory(folder);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            Assert.Skip($"no cgroup v1 pids controller to make a group in here ({error.Message})");
        }

        try
        {
            var cgroup = SessionJobProcesses.OfCgroups([folder]);
            using (var job = await ListeningChild.StartAsync(joinProcsFile: Path.Combine(folder, "cgroup.procs")))
            using (var stranger = await ListeningChild.StartAsync())
            {
                cgroup.Pids().Should().Contain([job.RootPid, job.ListenerPid]);
                LoopbackListenerOwner.Check(job.Port, cgroup, null).Verdict.Should().Be(ListenerVerdict.Session);
                LoopbackListenerOwner.Check(stranger.Port, cgroup, null).Verdict.Should().Be(ListenerVerdict.Outsider);
            }
        }
        finally
        {
            DeleteWhenEmpty(folder);
        }
    }

    [Fact]
    public void The_tables_lines_give_listeners_only_with_their_port_uid_and_inode()
    {
        const string Table = """
              sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
               0: 0100007F:A1B2 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1001        0 424242 1 0000000000000000 100 0 0 10 0
               1: 0100007F:A1B2 0100007F:C3D4 01 00000000:00000000 00:00000000 00000000  1001        0 434343 1 0000000000000000 20 4 30 10 -1
            """;
        const string Table6 = """
              sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
               0: 00000000000000000000000000000000:A1B2 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 515151 1 0000000000000000 100 0 0 10 0
            """;

        ListeningSockets.Parse(Table).Should().Equal(new ListeningSocket("0100007F", 0xA1B2, 1001, 424242));
        ListeningSockets.Parse(Table6).Should().Equal(new ListeningSocket("00000000000000000000000000000000", 0xA1B2, 0, 515151));
    }

    private static void DeleteWhenEmpty(string folder) =>
        // Its processes may still be leaving (the delete fails while they are): tried again for at most 2 s.
        SpinWait.SpinUntil(() => TryDelete(folder), TimeSpan.FromSeconds(2));

    private static bool TryDelete(string folder)
    {
        try
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder);
            }

            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }
}
