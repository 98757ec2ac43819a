using System.Collections.Immutable;
using Dashboard.Scheduling.Model;
using Dashboard.Web.Jobs;

namespace Dashboard.Web.Components.Tests.Jobs;

public sealed class CancelPromptTests
{
    [Fact]
    public void A_running_job_names_its_node_and_says_its_GPUs_are_released()
    {
        var snapshot = new TestCluster().Node("demo-gpu-01").Run("demo-gpu-01", [0, 1], "vision", name: "train-resnet").Update().Snapshot;

        var prompt = CancelPrompt.For(new CancelTarget(new JobId(1), "train-resnet", JobState.Running, 2), snapshot);

        prompt.Text.Should().Be("Cancel job 1 'train-resnet'? It is running on demo-gpu-01; its GPUs are released.");
        prompt.KeepLabel.Should().Be("Keep running");
    }

    [Fact]
    public void A_CPU_only_job_or_one_the_snapshot_lacks_is_still_described_plainly()
    {
        var prompt = CancelPrompt.For(new CancelTarget(new JobId(3), "etl", JobState.Running, 0), snapshot: null);

        prompt.Text.Should().Be("Cancel job 3 'etl'? It is running; its CPU and memory are released.");
    }

    [Fact]
    public void A_pending_job_leaves_the_queue()
    {
        var prompt = CancelPrompt.For(new CancelTarget(new JobId(4), "wait", JobState.Pending, 1), ClusterSnapshot.Empty with { Running = ImmutableArray<RunningJob>.Empty });

        prompt.Text.Should().Be("Cancel job 4 'wait'? It has not started; it leaves the queue.");
        prompt.KeepLabel.Should().Be("Keep it queued");
    }
}
