namespace Dashboard.Data.Usage;

/// <summary>
/// What one team or user held during one minute (<see cref="Minute"/> is the minute's start): allocated GPUs,
/// CPU and memory, and, where measured, GPU utilisation and GPU memory in use. <see cref="Simulated"/> marks
/// samples of demo nodes.
/// </summary>
public sealed record UtilisationSample(
    string Subject,
    DateTimeOffset Minute,
    int Gpus,
    long CpuMillicores,
    long MemoryMiB,
    double? GpuUtilisationPct,
    long? GpuMemoryUsedMiB,
    bool Simulated);
