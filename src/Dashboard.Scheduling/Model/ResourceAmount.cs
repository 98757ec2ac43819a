namespace Dashboard.Scheduling.Model;

/// <summary>An amount of the three schedulable resources: whole GPUs, CPU in millicores, memory in MiB.</summary>
public readonly record struct ResourceAmount(int Gpus, long CpuMillicores, long MemoryMiB)
{
    public static readonly ResourceAmount Zero = new(0, 0, 0);

    public static ResourceAmount operator +(ResourceAmount left, ResourceAmount right) =>
        new(left.Gpus + right.Gpus, left.CpuMillicores + right.CpuMillicores, left.MemoryMiB + right.MemoryMiB);

    public static ResourceAmount operator -(ResourceAmount left, ResourceAmount right) =>
        new(left.Gpus - right.Gpus, left.CpuMillicores - right.CpuMillicores, left.MemoryMiB - right.MemoryMiB);

    public static ResourceAmount Add(ResourceAmount left, ResourceAmount right) => left + right;

    public static ResourceAmount Subtract(ResourceAmount left, ResourceAmount right) => left - right;

    /// <summary>True when every dimension of this amount is at most the same dimension of <paramref name="capacity"/>.</summary>
    public bool FitsWithin(ResourceAmount capacity) =>
        Gpus <= capacity.Gpus && CpuMillicores <= capacity.CpuMillicores && MemoryMiB <= capacity.MemoryMiB;

    public bool IsNegative => Gpus < 0 || CpuMillicores < 0 || MemoryMiB < 0;

    public override string ToString() =>
        $"{Gpus} GPU, {Units.Cores(CpuMillicores)} CPU, {Units.Memory(MemoryMiB)}";
}
