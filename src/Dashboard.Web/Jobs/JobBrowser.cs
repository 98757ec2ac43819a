using Dashboard.Data.Allocations;
using Dashboard.Data.Jobs;
using Dashboard.Scheduling.Model;

namespace Dashboard.Web.Jobs;

/// <summary>A job with its history and every reservation it has held.</summary>
public sealed record JobDetails(JobRecord Record, IReadOnlyList<JobEvent> Events, IReadOnlyList<AllocationRecord> Allocations);

/// <summary>What the Jobs pages read from the database, off the circuit's thread (open so a test can count the reads).</summary>
public class JobBrowser(JobStore jobs, AllocationStore allocations)
{
    public virtual Task<JobPage> PageAsync(JobQuery query, CancellationToken cancellationToken = default) =>
        Task.Run(() => jobs.Page(query), cancellationToken);

    /// <summary>The job, its events and allocations; null when no job has that id.</summary>
    public Task<JobDetails?> DetailsAsync(JobId job, CancellationToken cancellationToken = default) =>
        Task.Run(
            () => jobs.Find(job) is { } record ? new JobDetails(record, jobs.Events(job), allocations.ForJob(job)) : null,
            cancellationToken);
}
