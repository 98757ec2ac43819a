using Dashboard.Scheduling.Model;

namespace Dashboard.Scheduling.Replays;

/// <summary>What is free on one schedulable node: GPUs (of its model), cores and memory.</summary>
public sealed record FreeRoom(string Node, int Gpus, long CpuMillicores, long MemoryMiB, string GpuModel)
{
    public bool Fits(ResourceRequest request) =>
        request.Gpus <= Gpus && request.CpuMillicores <= CpuMillicores && request.MemoryMiB <= MemoryMiB
        && (request.GpuModel is null || GpuModels.Match(GpuModel, request.GpuModel));

    /// <summary>The free room of every schedulable node of <paramref name="snapshot"/>, in node order.</summary>
    public static IReadOnlyList<FreeRoom> Of(ClusterSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var used = new Dictionary<string, (int Gpus, long Cpu, long Memory)>(StringComparer.Ordinal);
        foreach (var running in snapshot.Running)
        {
            var a = running.Allocation;
            var u = used.GetValueOrDefault(a.Node);
            used[a.Node] = (u.Gpus + a.GpuIndices.Length, u.Cpu + a.CpuMillicores, u.Memory + a.MemoryMiB);
        }

        return [.. snapshot.Nodes.Where(n => n.IsSchedulable).Select(n =>
        {
            var u = used.GetValueOrDefault(n.Name);
            return new FreeRoom(n.Name, n.Gpus.Length - u.Gpus, n.CpuMillicores - u.Cpu, n.MemoryMiB - u.Memory, n.Gpus.IsEmpty ? "" : n.Gpus[0].Model);
        })];
    }
}
