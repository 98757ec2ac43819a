using System.Collections.Immutable;
using System.Globalization;
using Dashboard.Scheduling.Model;
using Dashboard.Slurm.Rest;

namespace Dashboard.Slurm.Inventory;

/// <summary>What jobs Slurm runs that the dashboard did not submit hold on one node.</summary>
public sealed record HeldOutside(long SlurmJobId, string User, IReadOnlyList<int> GpuIndices, int Cpus, long MemoryMiB)
{
    public string Describe() =>
        $"Slurm job {SlurmJobId.ToString(CultureInfo.InvariantCulture)} ({User}): {GpuIndices.Count} GPU{(GpuIndices.Count == 1 ? "" : "s")}, {Cpus} CPU{(Cpus == 1 ? "" : "s")}, {Units.Memory(MemoryMiB)}";
}

/// <summary>
/// A Slurm node as a dashboard node: CPUs, memory and GPUs (from its gres) less what jobs submitted outside the
/// dashboard hold, so the scheduler never places onto them; its card's note says it is a Slurm node, its Slurm
/// state, and who holds what outside the dashboard.
/// </summary>
public static class SlurmNodeView
{
    /// <summary>Every Slurm node's note starts so; the Slurm executor runs the jobs of nodes whose note does.</summary>
    public const string NotePrefix = "Slurm node";

    /// <summary>The GPU memory reported for Slurm GPUs: gres says nothing about it.</summary>
    public const long UnknownGpuMemoryMiB = 0;

    public static bool IsSlurmNode(Node node) => node.Note?.StartsWith(NotePrefix, StringComparison.Ordinal) == true;

    /// <summary>
    /// The jobs holding capacity on <paramref name="nodeName"/> outside the dashboard: running (or being set up) there,
    /// and not one of the jobs this dashboard follows (<paramref name="ours"/>, by Slurm job id). A job spanning several
    /// nodes holds on this one what its allocation says for it: the GPUs of its gres detail for this node, its memory
    /// here, and its CPUs in proportion to the cores it holds here.
    /// </summary>
    public static IReadOnlyList<HeldOutside> OutsideJobsOn(string nodeName, IEnumerable<SlurmJob> jobs, IReadOnlySet<long> ours)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        ArgumentNullException.ThrowIfNull(ours);
        var held = new List<HeldOutside>();
        // A COMPLETING job holds nothing: Slurm released its cores, memory and GPUs when it ended (its epilog may still run).
        foreach (var job in jobs.Where(j => j.JobState is "RUNNING" or "CONFIGURING" or "SUSPENDED" && !ours.Contains(j.JobId)))
        {
            var user = job.UserName ?? "unknown user";
            var (cpus, memory) = GresText.CpuAndMemory(job.TresAlloc);
            var perNode = job.Resources?.AllocatedNodes ?? [];
            if (perNode.Count > 1)
            {
                var at = perNode.ToList().FindIndex(n => n.Name == nodeName);
                if (at < 0)
                {
                    continue;
                }

                var here = perNode[at];
                var cores = perNode.Sum(n => n.AllocatedCores);
                var cpusHere = cores > 0 ? (int)Math.Round((double)cpus * here.AllocatedCores / cores) : cpus / perNode.Count;
                var gres = job.GresDetail is { } detail && at < detail.Count ? [detail[at]] : Array.Empty<string>();
                held.Add(new HeldOutside(job.JobId, user, GresText.BoundIndices(gres), cpusHere, here.MemoryAllocated ?? memory / perNode.Count));
            }
            else if (job.Nodes == nodeName)
            {
                held.Add(new HeldOutside(job.JobId, user, GresText.BoundIndices(job.GresDetail), cpus, memory));
            }
        }

        return held;
    }

    public static Node ToNode(SlurmNode slurm, IReadOnlyList<HeldOutside> outside, IReadOnlySet<int> heldByDashboard)
    {
        ArgumentNullException.ThrowIfNull(slurm);
        ArgumentNullException.ThrowIfNull(outside);
        ArgumentNullException.ThrowIfNull(heldByDashboard);
        var gpus = new List<Gpu>();
        foreach (var group in GresText.Gpus(slurm.Gres))
        {
            for (var i = 0; i < group.Count && gpus.Count < Node.MaxGpusPerNode; i++)
            {
                gpus.Add(new Gpu(gpus.Count, group.Model, UnknownGpuMemoryMiB));
            }
        }

        // The GPUs jobs outside the dashboard hold leave the node; where the dashboard believes it holds one of their
        // indices, another free GPU leaves instead, so the count is right and no running job loses its GPU.
        var taken = new HashSet<int>();
        foreach (var index in outside.SelectMany(o => o.GpuIndices))
        {
            var remove = !heldByDashboard.Contains(index) && !taken.Contains(index) && gpus.Any(g => g.Index == index)
                ? index
                : gpus.Select(g => g.Index).Where(i => !heldByDashboard.Contains(i) && !taken.Contains(i)).DefaultIfEmpty(-1).First();
            if (remove >= 0)
            {
                taken.Add(remove);
            }
        }

        var state = SlurmNodeStates.Of(slurm.State, slurm.StateFlags);
        var note = $"{NotePrefix} ({string.Join(", ", slurm.Partitions ?? [])}; {SlurmNodeStates.Describe(slurm.State, slurm.StateFlags)})";
        if (!string.IsNullOrWhiteSpace(slurm.Reason))
        {
            note += $"; reason: {slurm.Reason}";
        }

        if (outside.Count > 0)
        {
            note += "; held outside the dashboard: " + string.Join("; ", outside.Select(o => o.Describe()));
        }

        var cpus = Math.Max(0, slurm.Cpus - outside.Sum(o => o.Cpus));
        var memory = Math.Max(0, slurm.RealMemory - outside.Sum(o => o.MemoryMiB));
        return new Node(slurm.Name, [.. gpus.Where(g => !taken.Contains(g.Index))], cpus * 1000L, memory, state, Simulated: false, Pool: null, Note: note);
    }
}
