using Dashboard.Data.Nodes;
using Dashboard.Engine.Execution;
using Dashboard.Engine.Tests.Loop;
using Dashboard.Scheduling.Model;

namespace Dashboard.Engine.Tests.Execution;

public sealed class DiskFloorDrainTests : IDisposable
{
    private const long GiB = 1024L * 1024 * 1024;
    private readonly string root = Directory.CreateTempSubdirectory("dashboard-drain-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    private string Marker => Path.Combine(root, "job-records", DiskFloorDrain.MarkerFileName);

    [Fact]
    public async Task Under_the_floor_a_ready_node_is_drained_with_the_free_space_as_its_reason_once()
    {
        var nodes = new FakeNodeState(NodeState.Ready);
        var drain = new DiskFloorDrain(nodes, "local", Marker, 2 * GiB);

        await drain.UpdateAsync((long)(1.2 * GiB), CancellationToken.None);
        await drain.UpdateAsync(GiB, CancellationToken.None);

        nodes.Changes.Should().Equal((NodeState.Draining, "disk nearly full: 1.2 GiB free, under the 2 GiB kept free (Executor:MinFreeDiskBytes); running jobs go on, new ones wait"));
        drain.Drained.Should().BeTrue();
    }

    [Fact]
    public async Task It_is_made_ready_again_only_a_tenth_over_the_floor_and_only_while_it_is_still_draining()
    {
        var nodes = new FakeNodeState(NodeState.Ready);
        var drain = new DiskFloorDrain(nodes, "local", Marker, 2 * GiB);
        await drain.UpdateAsync(GiB, CancellationToken.None);

        await drain.UpdateAsync(2 * GiB, CancellationToken.None);
        nodes.State.Should().Be(NodeState.Draining, "exactly at the floor is not yet room enough: the node would flap");
        await drain.UpdateAsync(3 * GiB, CancellationToken.None);

        nodes.Changes.Select(c => c.State).Should().Equal(NodeState.Draining, NodeState.Ready);
        nodes.Changes[^1].Reason.Should().Be("the disk has room again (3 GiB free)");
        drain.Drained.Should().BeFalse();
    }

    [Fact]
    public async Task A_drain_whose_marker_could_not_be_written_is_still_lifted_and_the_marker_is_written_once_it_can_be()
    {
        var nodes = new FakeNodeState(NodeState.Ready);
        var drain = new DiskFloorDrain(nodes, "local", Marker, 2 * GiB);
        // The records folder cannot be made (a file is in its way), as a disk full to the last block refuses the marker.
        var records = Path.GetDirectoryName(Marker)!;
        await File.WriteAllTextAsync(records, "in the way", TestContext.Current.CancellationToken);

        await drain.Awaiting(d => d.UpdateAsync(0, CancellationToken.None)).Should().ThrowAsync<IOException>();
        nodes.State.Should().Be(NodeState.Draining);
        drain.Drained.Should().BeTrue("this drained it, marker or not");

        File.Delete(records);
        await drain.UpdateAsync(GiB, CancellationToken.None);
        File.Exists(Marker).Should().BeTrue("the marker is written at the next check under the floor that can write it");
        await drain.UpdateAsync(3 * GiB, CancellationToken.None);

        nodes.Changes.Select(c => c.State).Should().Equal(NodeState.Draining, NodeState.Ready);
        drain.Drained.Should().BeFalse();
        File.Exists(Marker).Should().BeFalse();
    }

    [Fact]
    public async Task A_drain_lifted_without_its_marker_ever_written_leaves_nothing_behind()
    {
        var nodes = new FakeNodeState(NodeState.Ready);
        var drain = new DiskFloorDrain(nodes, "local", Marker, 2 * GiB);
        var records = Path.GetDirectoryName(Marker)!;
        await File.WriteAllTextAsync(records, "in the way", TestContext.Current.CancellationToken);

        await drain.Awaiting(d => d.UpdateAsync(0, CancellationToken.None)).Should().ThrowAsync<IOException>();
        await drain.UpdateAsync(3 * GiB, CancellationToken.None);

        nodes.Changes.Select(c => c.State).Should().Equal(NodeState.Draining, NodeState.Ready);
        drain.Drained.Should().BeFalse();
    }

    [Fact]
    public async Task A_node_an_admin_drained_or_took_down_is_left_to_the_admin()
    {
        var drained = new FakeNodeState(NodeState.Draining);
        var down = new FakeNodeState(NodeState.Ready);
        var byAdmin = new DiskFloorDrain(drained, "local", Marker, 2 * GiB);

        await byAdmin.UpdateAsync(GiB, CancellationToken.None);
        await byAdmin.UpdateAsync(10 * GiB, CancellationToken.None);
        drained.Changes.Should().BeEmpty("this never drained it, so it never resumes it");

        var ours = new DiskFloorDrain(down, "local", Path.Combine(root, "other", DiskFloorDrain.MarkerFileName), 2 * GiB);
        await ours.UpdateAsync(GiB, CancellationToken.None);
        down.State = NodeState.Down;
        await ours.UpdateAsync(10 * GiB, CancellationToken.None);
        down.Changes.Select(c => c.State).Should().Equal([NodeState.Draining], "an admin took it Down meanwhile: it stays Down");
        ours.Drained.Should().BeFalse();
    }

    [Fact]
    public async Task A_node_an_admin_resumed_and_drained_again_meanwhile_stays_drained_when_the_space_comes_back()
    {
        var nodes = new FakeNodeState(NodeState.Ready);
        var drain = new DiskFloorDrain(nodes, "local", Marker, 2 * GiB);
        await drain.UpdateAsync(GiB, CancellationToken.None);

        // Between two checks: the admin resumes the node, then drains it for maintenance.
        await nodes.SetAsync("local", NodeState.Ready, "resumed by admin", CancellationToken.None);
        await nodes.SetAsync("local", NodeState.Draining, "maintenance on Friday", CancellationToken.None);
        await drain.UpdateAsync(10 * GiB, CancellationToken.None);

        nodes.State.Should().Be(NodeState.Draining, "the drain is the admin's now, not the floor's");
        nodes.Reason.Should().Be("maintenance on Friday");
        drain.Drained.Should().BeFalse("the floor forgets its drain: a later floor drains the node again once it is Ready");
    }

    [Fact]
    public async Task Through_the_real_engine_an_admin_drain_made_meanwhile_is_not_lifted_with_the_floor()
    {
        await using var harness = await EngineHarness.StartAsync([EngineHarness.LocalNode()]);
        var engine = new EngineNodeState(harness.Engine, new NodeStore(harness.Database));
        var drain = new DiskFloorDrain(engine, "local", Marker, 2 * GiB);
        await drain.UpdateAsync(GiB, CancellationToken.None);
        await harness.WaitForAsync(u => u.Snapshot.Nodes.Single().State == NodeState.Draining);
        engine.ReasonOf("local").Should().StartWith("disk nearly full: 1 GiB free");

        (await harness.Engine.SetNodeStateAsync("local", NodeState.Ready, null, "admin")).Succeeded.Should().BeTrue();
        (await harness.Engine.SetNodeStateAsync("local", NodeState.Draining, "maintenance", "admin")).Succeeded.Should().BeTrue();
        await drain.UpdateAsync(10 * GiB, CancellationToken.None);
        await harness.RoundTripAsync();

        harness.Feed.Current!.Snapshot.Nodes.Single().State.Should().Be(NodeState.Draining);
        engine.ReasonOf("local").Should().Be("maintenance");
    }

    [Fact]
    public async Task A_drain_left_before_a_restart_is_lifted_by_the_next_run()
    {
        var nodes = new FakeNodeState(NodeState.Ready);
        await new DiskFloorDrain(nodes, "local", Marker, 2 * GiB).UpdateAsync(GiB, CancellationToken.None);

        var afterRestart = new DiskFloorDrain(nodes, "local", Marker, 2 * GiB);
        afterRestart.Drained.Should().BeTrue();
        await afterRestart.UpdateAsync(5 * GiB, CancellationToken.None);

        nodes.State.Should().Be(NodeState.Ready);
    }

    [Fact]
    public async Task An_unknown_free_space_or_node_changes_nothing()
    {
        var unknown = new FakeNodeState(null);
        var drain = new DiskFloorDrain(unknown, "local", Marker, 2 * GiB);

        await drain.UpdateAsync(null, CancellationToken.None);
        await drain.UpdateAsync(0, CancellationToken.None);

        unknown.Changes.Should().BeEmpty();
        drain.Drained.Should().BeFalse();
    }

    [Fact]
    public async Task Through_the_real_engine_the_node_drains_and_a_job_only_it_could_hold_waits_instead_of_being_refused()
    {
        await using var harness = await EngineHarness.StartAsync([EngineHarness.LocalNode()]);
        var engine = new EngineNodeState(harness.Engine, new NodeStore(harness.Database));
        var drain = new DiskFloorDrain(engine, "local", Marker, 2 * GiB);

        await drain.UpdateAsync(GiB, CancellationToken.None);
        await harness.WaitForAsync(u => u.Snapshot.Nodes.Single().State == NodeState.Draining);
        var job = await harness.SubmitAsync(EngineHarness.Spec(command: "exit 0"));
        await harness.RoundTripAsync();

        harness.Feed.Current!.Snapshot.Pending.Find(job).Should().NotBeNull("the drained node takes no new job, and the job waits");
        engine.StateOf("local").Should().Be(NodeState.Draining);
        await drain.UpdateAsync(10 * GiB, CancellationToken.None);
        await harness.WaitForAsync(u => u.Snapshot.Nodes.Single().State == NodeState.Ready);
        await harness.WaitForStateAsync(job, JobState.Succeeded);
    }

    private sealed class FakeNodeState(NodeState? state) : ILocalNodeState
    {
        public NodeState? State { get; set; } = state;

        public List<(NodeState State, string Reason)> Changes { get; } = [];

        public string? Reason { get; set; }

        public NodeState? StateOf(string node) => State;

        public string? ReasonOf(string node) => Reason;

        public Task<bool> SetAsync(string node, NodeState state, string reason, CancellationToken cancellationToken)
        {
            Changes.Add((state, reason));
            State = state;
            Reason = reason;
            return Task.FromResult(true);
        }
    }
}
