using System.Collections.Immutable;
using Dashboard.Scheduling.Model;

namespace Dashboard.Engine.Notifications;

/// <summary>A waiting job found past its owner's threshold by a <see cref="WaitingLongScan"/>.</summary>
internal sealed record WaitingLongFinding(JobId Job, string Name, string Owner, DateTimeOffset SubmittedAt, string? Reason);

/// <summary>
/// What one look over the waiting queue found: the jobs newly past their owner's threshold, and which of the jobs
/// already told are still waiting (the others are forgotten, so the set does not grow with history).
/// </summary>
internal sealed record WaitingLongScanResult(ImmutableArray<WaitingLongFinding> Found, ImmutableHashSet<JobId> StillWaiting);

/// <summary>
/// Finds the waiting jobs that have waited longer than their owner's threshold, over an immutable published state and
/// off the engine's writer: its cost grows with the queue, so the writer only writes what it found (a few jobs).
/// </summary>
internal static class WaitingLongScan
{
    public static WaitingLongScanResult Run(
        ClusterSnapshot snapshot,
        ImmutableHashSet<JobId> told,
        DateTimeOffset now,
        NotificationDirectory directory,
        Func<JobId, string?> reasonOf)
    {
        var found = ImmutableArray.CreateBuilder<WaitingLongFinding>();
        var stillWaiting = ImmutableHashSet.CreateBuilder<JobId>();
        var thresholds = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
        foreach (var job in snapshot.Pending.AllJobs)
        {
            if (told.Contains(job.Id))
            {
                stillWaiting.Add(job.Id);
                continue;
            }

            var owner = job.Spec.Owner;
            if (!thresholds.TryGetValue(owner, out var threshold))
            {
                threshold = directory.For(owner).WaitingThreshold;
                thresholds[owner] = threshold;
            }

            if (threshold <= TimeSpan.Zero || now - job.SubmittedAt < threshold)
            {
                continue;
            }

            found.Add(new WaitingLongFinding(job.Id, job.Spec.Name, owner, job.SubmittedAt, reasonOf(job.Id)));
        }

        return new WaitingLongScanResult(found.ToImmutable(), stillWaiting.ToImmutable());
    }
}
