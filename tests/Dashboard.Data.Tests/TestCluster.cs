using System.Collections.Immutable;
using Dashboard.Scheduling.Model;

namespace Dashboard.Data.Tests;

/// <summary>Small building blocks for tests: nodes, quotas and jobs in one line each.</summary>
internal static class TestCluster
{
    public static Node Node(string name, int gpus = 8, string model = "A100", NodeState state = NodeState.Ready, bool simulated = false) =>
        new(name, [.. Enumerable.Range(0, gpus).Select(i => new Gpu(i, model, 80 * 1024))], 64_000, 512 * 1024, state, simulated);

    public static TeamQuota Quota(string team, int gpus = 8, int borrowGpus = 0) =>
        new(team, new ResourceAmount(gpus, 64_000, 512 * 1024), new ResourceAmount(borrowGpus, 16_000, 128 * 1024), 1.5, 500);

    public static Job Job(long id, DateTimeOffset submittedAt, string team = "vision", int gpus = 1, int priority = 0) =>
        new(new JobId(id), new JobSpec($"train-{id}", "ada", team, "python train.py", new ResourceRequest(gpus, 4_000, 16 * 1024), Priority: priority), submittedAt);

    public static GpuAllocation Allocation(long job, string node, DateTimeOffset start, params int[] gpus) =>
        new(new JobId(job), node, [.. gpus], 4_000, 16 * 1024, start, null);

    public static ImmutableArray<int> Indices(params int[] indices) => [.. indices];
}
