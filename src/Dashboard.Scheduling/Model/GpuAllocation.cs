using System.Collections.Immutable;

namespace Dashboard.Scheduling.Model;

/// <summary>
/// The reservation of exact GPU indices, CPU and memory on one node for one job, from <see cref="Start"/>
/// until the job ends (at the latest <see cref="ExpectedEnd"/>, when the job has a walltime).
/// </summary>
public sealed record GpuAllocation(
    JobId Job,
    string Node,
    ImmutableArray<int> GpuIndices,
    long CpuMillicores,
    long MemoryMiB,
    DateTimeOffset Start,
    DateTimeOffset? ExpectedEnd)
{
    public ResourceAmount Amount => new(GpuIndices.Length, CpuMillicores, MemoryMiB);

    /// <summary>"gpu-02 (GPUs 4-5)", "gpu-02 (GPUs 0, 3)", "cpu-01 (no GPU)".</summary>
    public string Describe() => $"{Node} ({GpuIndexRanges.Describe(GpuIndices)})";
}

/// <summary>A job that holds an allocation. Borrowing jobs run beyond their team's nominal quota and may be preempted.</summary>
public sealed record RunningJob(Job Job, GpuAllocation Allocation, bool Borrowing);

public static class GpuIndexRanges
{
    public static string Describe(IReadOnlyList<int> indices)
    {
        if (indices.Count == 0)
        {
            return "no GPU";
        }

        var sorted = indices.Order().ToArray();
        var parts = new List<string>();
        var start = sorted[0];
        var previous = sorted[0];
        foreach (var index in sorted.Skip(1).Append(int.MinValue))
        {
            if (index == previous + 1)
            {
                previous = index;
                continue;
            }

            parts.Add(start == previous ? $"{start}" : $"{start}-{previous}");
            start = previous = index;
        }

        return (sorted.Length == 1 ? "GPU " : "GPUs ") + string.Join(", ", parts);
    }
}
