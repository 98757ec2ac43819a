namespace Dashboard.Scheduling.Model;

/// <summary>
/// What a job asks to be guaranteed: whole GPUs (optionally of one model), CPU and memory.
/// The scheduler places jobs by their requests.
/// </summary>
public sealed record ResourceRequest(int Gpus, long CpuMillicores, long MemoryMiB, string? GpuModel = null)
{
    public ResourceAmount Amount => new(Gpus, CpuMillicores, MemoryMiB);
}

/// <summary>
/// Optional ceilings a job may burst to; each limit, when set, is at least the matching request.
/// Executors enforce them where the machine allows.
/// </summary>
public sealed record ResourceLimits(long? CpuMillicores = null, long? MemoryMiB = null);
