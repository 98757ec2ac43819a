using System.Collections.Immutable;

namespace Dashboard.Scheduling.Model;

/// <summary>
/// Pending jobs, one ordered queue per team (priority high to low, then submit time, then id).
/// The scheduler merges the team queues by fair share, so a pass never sorts the whole backlog; the
/// engine keeps this structure up to date with <see cref="Add"/> and <see cref="Remove"/> (O(log n) each).
/// Immutable: every change returns a new queue and old snapshots stay valid.
/// </summary>
public sealed class PendingQueue
{
    public static readonly PendingQueue Empty = new(ImmutableSortedDictionary<string, ImmutableSortedSet<Job>>.Empty.WithComparers(StringComparer.Ordinal), 0);

    private PendingQueue(ImmutableSortedDictionary<string, ImmutableSortedSet<Job>> byTeam, int count)
    {
        ByTeam = byTeam;
        Count = count;
    }

    /// <summary>Each team's pending jobs in team order; teams in ordinal name order.</summary>
    public ImmutableSortedDictionary<string, ImmutableSortedSet<Job>> ByTeam { get; }

    public int Count { get; }

    public static PendingQueue From(IEnumerable<Job> jobs)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        var builders = new SortedDictionary<string, ImmutableSortedSet<Job>.Builder>(StringComparer.Ordinal);
        var count = 0;
        foreach (var job in jobs)
        {
            if (!builders.TryGetValue(job.Team, out var builder))
            {
                builder = ImmutableSortedSet.CreateBuilder(TeamQueueOrder.Instance);
                builders[job.Team] = builder;
            }

            if (builder.Add(job))
            {
                count++;
            }
        }

        var byTeam = builders.ToImmutableSortedDictionary(p => p.Key, p => p.Value.ToImmutable(), StringComparer.Ordinal);
        return new PendingQueue(byTeam, count);
    }

    public PendingQueue Add(Job job)
    {
        ArgumentNullException.ThrowIfNull(job);
        var queue = ByTeam.TryGetValue(job.Team, out var existing) ? existing : ImmutableSortedSet.Create<Job>(TeamQueueOrder.Instance);
        var added = queue.Add(job);
        return ReferenceEquals(added, queue) ? this : new PendingQueue(ByTeam.SetItem(job.Team, added), Count + 1);
    }

    public PendingQueue Remove(Job job)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (!ByTeam.TryGetValue(job.Team, out var queue))
        {
            return this;
        }

        var removed = queue.Remove(job);
        if (ReferenceEquals(removed, queue))
        {
            return this;
        }

        var byTeam = removed.IsEmpty ? ByTeam.Remove(job.Team) : ByTeam.SetItem(job.Team, removed);
        return new PendingQueue(byTeam, Count - 1);
    }

    public IEnumerable<Job> AllJobs => ByTeam.Values.SelectMany(q => q);
}

/// <summary>Order inside one team's queue: higher priority first, then earlier submit, then lower id.</summary>
public sealed class TeamQueueOrder : IComparer<Job>
{
    public static readonly TeamQueueOrder Instance = new();

    public int Compare(Job? x, Job? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        if (x is null)
        {
            return -1;
        }

        if (y is null)
        {
            return 1;
        }

        var byPriority = y.Priority.CompareTo(x.Priority);
        if (byPriority != 0)
        {
            return byPriority;
        }

        var bySubmit = x.SubmittedAt.CompareTo(y.SubmittedAt);
        return bySubmit != 0 ? bySubmit : x.Id.CompareTo(y.Id);
    }
}
