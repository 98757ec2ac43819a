using Dashboard.Scheduling.Model;

namespace Dashboard.Data.Usage;

/// <summary>What one job consumed, totals to <see cref="RecordedAt"/>: seconds waited and run, and resource-seconds held.</summary>
public sealed record JobUsage(
    JobId Job,
    double WaitSeconds,
    double RunSeconds,
    double GpuSeconds,
    double CpuSeconds,
    double MemoryMiBSeconds,
    DateTimeOffset RecordedAt);
