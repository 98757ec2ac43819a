using Dashboard.Engine.Execution.Isolation;
using Dashboard.Engine.Feed;
using Dashboard.Engine.Loop;
using Dashboard.Scheduling.Model;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Dashboard.Web.Cluster;

namespace Dashboard.Web.Tests.Hosting;

/// <summary>The isolation of local jobs as the running server wires it: the mode on the local node, the refusal, the server's files out of reach.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class JobIsolationHostTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task With_isolation_refused_the_local_node_is_down_with_the_reason_its_card_shows_it_and_a_job_is_refused_with_it()
    {
        await using var factory = new DashboardFactory { LocalNode = true, Settings = new Dictionary<string, string> { ["Executor:Isolation"] = "Refuse", ["Cluster:DemoNodes:Enabled"] = "false" } };
        _ = factory.Server;
        await factory.Services.GetRequiredService<EngineLoop>().Started.WaitAsync(Patience);

        var update = factory.Services.GetRequiredService<ClusterFeed>().Current!;
        var local = update.Snapshot.Nodes.Single(n => n.Name == DashboardFactory.LocalNodeName);
        local.State.Should().Be(NodeState.Down);
        local.Note.Should().Be("Jobs: the local node runs no jobs: Executor:Isolation is Refuse");
        ClusterView.From(update).Nodes.Single(n => n.Name == DashboardFactory.LocalNodeName).Note.Should().Be(local.Note, "the node's card shows it");

        var small = new JobSpec("small", "alice", "vision", "true", new ResourceRequest(0, 1000, 256));
        var refused = await factory.Services.GetRequiredService<ClusterEngine>().SubmitAsync(small, "alice").WaitAsync(Patience);
        refused.Succeeded.Should().BeFalse();
        refused.Reason.Should().Be($"the cluster has no node that is up (node {DashboardFactory.LocalNodeName}: Jobs: the local node runs no jobs: Executor:Isolation is Refuse)");
    }

    [Fact]
    public async Task The_local_node_card_says_which_isolation_its_jobs_get()
    {
        await using var factory = new DashboardFactory { LocalNode = true };
        _ = factory.Server;
        await factory.Services.GetRequiredService<EngineLoop>().Started.WaitAsync(Patience);

        var isolation = factory.Services.GetRequiredService<LocalJobIsolation>().Choice;
        var local = factory.Services.GetRequiredService<ClusterFeed>().Current!.Snapshot.Nodes.Single(n => n.Name == DashboardFactory.LocalNodeName);

        local.Note.Should().Be("Jobs: " + isolation.Description);
        local.State.Should().Be(isolation.Mode == IsolationMode.Refuse ? NodeState.Down : NodeState.Ready);
    }

    [Fact]
    public async Task Jobs_and_records_folders_set_outside_the_data_folder_are_hidden_from_jobs_too()
    {
        var elsewhere = Directory.CreateTempSubdirectory("dashboard-elsewhere-").FullName;
        try
        {
            var jobs = Path.Combine(elsewhere, "jobs");
            var records = Path.Combine(elsewhere, "records");
            await using var factory = new DashboardFactory { Settings = new Dictionary<string, string> { ["Executor:JobsFolder"] = jobs, ["Executor:RecordsFolder"] = records } };
            _ = factory.Server;

            var hidden = factory.Services.GetRequiredService<LocalJobIsolation>().CommandLine.HiddenPaths;

            hidden.Should().Contain([factory.DataFolder, jobs, records], "a job sees neither other jobs' folders nor the executor's records, wherever they are");
            await using var usual = new DashboardFactory();
            _ = usual.Server;
            usual.Services.GetRequiredService<LocalJobIsolation>().CommandLine.HiddenPaths.Should().NotContain(p => p.StartsWith(usual.DataFolder + "/", StringComparison.Ordinal), "inside the hidden data folder they are hidden with it");
        }
        finally
        {
            Directory.Delete(elsewhere, recursive: true);
        }
    }

    [Fact]
    public async Task The_slurm_jwt_key_is_hidden_from_jobs_and_in_sandbox_mode_the_munge_socket_slurm_conf_names_too()
    {
        var elsewhere = Directory.CreateTempSubdirectory("dashboard-slurm-").FullName;
        try
        {
            var key = Path.Combine(elsewhere, "jwt.key");
            var conf = Path.Combine(elsewhere, "slurm.conf");
            var socketFolder = Directory.CreateDirectory(Path.Combine(elsewhere, "munge")).FullName;
            await File.WriteAllTextAsync(conf, $"AuthType=auth/munge\nAuthInfo=socket={socketFolder}/munge.socket.2\n");
            var settings = new Dictionary<string, string>
            {
                ["Executor:Isolation"] = "Sandbox",
                ["Cluster:Slurm:JwtKeyFile"] = key,
                ["Cluster:Slurm:SlurmConf"] = conf,
            };
            await using var factory = new DashboardFactory { Settings = settings };
            _ = factory.Server;

            var isolation = factory.Services.GetRequiredService<LocalJobIsolation>();

            isolation.CommandLine.HiddenPaths.Should().Contain(key);
            if (isolation.Choice.Mode == IsolationMode.Sandbox)
            {
                isolation.CommandLine.HiddenPaths.Should().Contain([socketFolder, "/run/munge"]);
            }
        }
        finally
        {
            Directory.Delete(elsewhere, recursive: true);
        }
    }

    [Fact]
    public async Task The_database_is_the_servers_alone_and_the_key_ring_lives_in_the_data_folder()
    {
        await using var factory = new DashboardFactory();
        _ = factory.Server;
        await factory.Services.GetRequiredService<EngineLoop>().Started.WaitAsync(Patience);

        factory.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Protect("sign-in");

        var keys = Path.Combine(factory.DataFolder, "keys");
        Directory.EnumerateFiles(keys, "key-*.xml").Should().NotBeEmpty("the key ring is persisted to the data folder, not the server's HOME");
        File.GetUnixFileMode(keys).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.GetUnixFileMode(Path.Combine(factory.DataFolder, "dashboard.db")).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.GetUnixFileMode(factory.DataFolder).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
    }
}
