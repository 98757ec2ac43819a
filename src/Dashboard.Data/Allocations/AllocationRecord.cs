using Dashboard.Scheduling.Model;

namespace Dashboard.Data.Allocations;

/// <summary>
/// A stored reservation: the job's <see cref="Attempt"/>-th (1 for its first start, more after requeues);
/// <see cref="ReleasedAt"/> is null while the job still holds it.
/// </summary>
public sealed record AllocationRecord(int Attempt, GpuAllocation Allocation, bool Borrowing, DateTimeOffset? ReleasedAt);

/// <summary>One GPU held right now.</summary>
public sealed record HeldGpu(string Node, int Index, JobId Job);
