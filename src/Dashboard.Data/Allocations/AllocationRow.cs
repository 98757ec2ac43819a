using Dashboard.Scheduling.Model;

namespace Dashboard.Data.Allocations;

/// <summary>An allocations row as Dapper reads it (columns aliased Allocation*).</summary>
internal class AllocationRow
{
    public long AllocationAttempt { get; set; }

    public long AllocationJobId { get; set; }

    public string AllocationNode { get; set; } = "";

    public string AllocationGpuIndices { get; set; } = "";

    public long AllocationCpuMillicores { get; set; }

    public long AllocationMemoryMiB { get; set; }

    public long AllocationBorrowing { get; set; }

    public DateTimeOffset AllocationStartedAt { get; set; }

    public DateTimeOffset? AllocationExpectedEndAt { get; set; }

    public DateTimeOffset? AllocationReleasedAt { get; set; }

    public GpuAllocation ToAllocation() => new(
        new JobId(AllocationJobId),
        AllocationNode,
        GpuIndexList.Parse(AllocationGpuIndices),
        AllocationCpuMillicores,
        AllocationMemoryMiB,
        AllocationStartedAt,
        AllocationExpectedEndAt);

    public AllocationRecord ToRecord() => new(checked((int)AllocationAttempt), ToAllocation(), AllocationBorrowing != 0, AllocationReleasedAt);
}
