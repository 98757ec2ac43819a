using Dashboard.Api.Contracts;
using Dashboard.Data.Allocations;
using Dashboard.Data.Jobs;
using Dashboard.Engine.Feed;
using Dashboard.Scheduling.Model;
using Dashboard.Web.Jobs;
using Dashboard.Web.Api;

namespace Dashboard.Web.Jobs;

/// <summary>Turns a stored job and the engine's latest update into the API's <see cref="JobView"/>.</summary>
public static class JobViews
{
    /// <summary>
    /// <paramref name="allocations"/> are the job's stored reservations (the job endpoint reads them); without them
    /// (lists) the allocation shown is the one the job holds now, if it runs.
    /// </summary>
    public static JobView Of(JobRecord record, ClusterUpdate? update, IReadOnlyList<AllocationRecord>? allocations = null)
    {
        ArgumentNullException.ThrowIfNull(record);
        var job = record.Job;
        var spec = job.Spec;
        var allocation = AllocationOf(job.Id, update, allocations);
        var simulated = allocation is not null && update?.Snapshot.Nodes.FirstOrDefault(n => n.Name == allocation.Node)?.Simulated == true;
        return new JobView(
            job.Id.Value,
            spec.Name,
            spec.Owner,
            spec.Team,
            record.State.ToString(),
            spec.Command,
            RequestOf(spec),
            job.SubmittedAt,
            record.StartedAt,
            record.EndedAt,
            record.ExitCode,
            record.State.IsTerminal() ? record.Reason ?? JobDetailsView.EndReasonOf(record.State) : null,
            allocation,
            record.State == JobState.Pending ? PendingOf(job.Id, update) : null,
            simulated)
        {
            Note = record.State == JobState.Running ? record.Reason : null,
        };
    }

    public static JobRequestView RequestOf(JobSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var request = spec.Request;
        return new JobRequestView(
            request.Gpus,
            request.GpuModel,
            ApiUnits.Cores(request.CpuMillicores),
            ApiUnits.Cores(spec.Limits?.CpuMillicores),
            ApiUnits.GiB(request.MemoryMiB),
            ApiUnits.GiB(spec.Limits?.MemoryMiB),
            spec.Walltime is { } walltime ? WalltimeText.Format(walltime) : null,
            spec.Walltime is { } seconds ? (long)seconds.TotalSeconds : null,
            spec.Priority);
    }

    private static JobAllocationView? AllocationOf(JobId id, ClusterUpdate? update, IReadOnlyList<AllocationRecord>? allocations)
    {
        if (update?.Snapshot.Running.FirstOrDefault(r => r.Job.Id == id) is { } running)
        {
            return View(running.Allocation, running.Borrowing, current: true);
        }

        return allocations is { Count: > 0 } ? View(allocations[^1].Allocation, allocations[^1].Borrowing, allocations[^1].ReleasedAt is null) : null;
    }

    private static JobAllocationView View(GpuAllocation allocation, bool borrowing, bool current) => new(
        allocation.Node,
        [.. allocation.GpuIndices],
        ApiUnits.Cores(allocation.CpuMillicores),
        ApiUnits.GiB(allocation.MemoryMiB),
        borrowing,
        current);

    private static JobPendingView PendingOf(JobId id, ClusterUpdate? update) =>
        update?.Explanations.GetValueOrDefault(id) is { } explanation
            ? new JobPendingView(explanation.Reason.Describe(), explanation.EstimatedStart, update.ExplanationsAsOf)
            : new JobPendingView("the scheduler has not looked at this job yet", null);
}
