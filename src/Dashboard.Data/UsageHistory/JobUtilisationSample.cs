namespace Dashboard.Data.UsageHistory;

/// <summary>
/// One allocated GPU of one job during one minute (<see cref="Minute"/> is the minute's start): its utilisation and
/// memory in use of its total. <see cref="Simulated"/> marks readings of demo nodes, which are made up.
/// </summary>
public sealed record JobUtilisationSample(
    long JobId,
    DateTimeOffset Minute,
    int GpuIndex,
    double UtilisationPct,
    long MemoryUsedMiB,
    long MemoryTotalMiB,
    bool Simulated);
