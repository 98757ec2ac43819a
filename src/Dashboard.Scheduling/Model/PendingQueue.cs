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
    public static readonly PendingQueue Empty = new(
        ImmutableSortedDictionary<string, ImmutableSortedSet<Job>>.Empty.WithComparers(StringComparer.Ordinal),
        ImmutableDictionary<JobId, Job>.Empty,
        0,
        ImmutableDictionary<string, TeamDemand>.Empty.WithComparers(StringComparer.Ordinal),
        ImmutableDictionary<ResourceRequest, int>.Empty);

    private readonly ImmutableDictionary<JobId, Job> byId;
    /// <summary>
    /// Ordered arrays by team queue. Keyed by the immutable team set itself, not by this queue: a submit or a start
    /// makes a new queue but leaves every other team's set (and so its arrays) as it was.
    /// </summary>
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<ImmutableSortedSet<Job>, OrderedTeamQueue> OrderedArrays = new();

    private PendingQueue(
        ImmutableSortedDictionary<string, ImmutableSortedSet<Job>> byTeam,
        ImmutableDictionary<JobId, Job> byId,
        int withoutGpusCount,
        ImmutableDictionary<string, TeamDemand> demand,
        ImmutableDictionary<ResourceRequest, int> requests)
    {
        ByTeam = byTeam;
        this.byId = byId;
        WithoutGpusCount = withoutGpusCount;
        Demand = demand;
        Requests = requests;
    }

    /// <summary>What each team's pending jobs ask for (the inputs of the never-fits check that depend on the team).</summary>
    public ImmutableDictionary<string, TeamDemand> Demand { get; }

    /// <summary>How many pending jobs ask for each distinct request, over all teams (the inputs of the never-fits check that depend on the nodes).</summary>
    public ImmutableDictionary<ResourceRequest, int> Requests { get; }

    /// <summary>How many pending jobs ask for no GPU (CPU-only jobs); lets a pass stop early once every GPU is taken.</summary>
    public int WithoutGpusCount { get; }

    /// <summary>Each team's pending jobs in team order; teams in ordinal name order.</summary>
    public ImmutableSortedDictionary<string, ImmutableSortedSet<Job>> ByTeam { get; }

    public int Count => byId.Count;

    public Job? Find(JobId id) => byId.GetValueOrDefault(id);

    /// <summary>Whether <paramref name="team"/> has a pending job that asks for no GPU.</summary>
    public bool HasJobsWithoutGpus(string team) => Demand.TryGetValue(team, out var demand) && demand.WithoutGpus > 0;

    public static PendingQueue From(IEnumerable<Job> jobs)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        var builders = new SortedDictionary<string, ImmutableSortedSet<Job>.Builder>(StringComparer.Ordinal);
        var byId = ImmutableDictionary.CreateBuilder<JobId, Job>();
        foreach (var job in jobs)
        {
            if (!byId.TryAdd(job.Id, job))
            {
                throw new ArgumentException($"Job {job.Id} appears twice.", nameof(jobs));
            }

            if (!builders.TryGetValue(job.Team, out var builder))
            {
                builder = ImmutableSortedSet.CreateBuilder(TeamQueueOrder.Instance);
                builders[job.Team] = builder;
            }

            builder.Add(job);
        }

        var byTeam = builders.ToImmutableSortedDictionary(p => p.Key, p => p.Value.ToImmutable(), StringComparer.Ordinal);
        var demand = byId.Values
            .GroupBy(job => job.Team, StringComparer.Ordinal)
            .ToImmutableDictionary(g => g.Key, DemandOf, StringComparer.Ordinal);
        var requests = byId.Values.GroupBy(job => job.Request).ToImmutableDictionary(g => g.Key, g => g.Count());
        return new PendingQueue(byTeam, byId.ToImmutable(), byId.Values.Count(j => j.Request.Gpus == 0), demand, requests);
    }

    private static TeamDemand DemandOf(IEnumerable<Job> teamJobs)
    {
        var requests = teamJobs.GroupBy(job => job.Request).ToImmutableDictionary(g => g.Key, g => g.Count());
        return new TeamDemand(requests, TeamDemand.PeakOf(requests.Keys), requests.Where(r => r.Key.Gpus == 0).Sum(r => r.Value));
    }

    public PendingQueue Add(Job job)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (byId.ContainsKey(job.Id))
        {
            return this;
        }

        var queue = ByTeam.TryGetValue(job.Team, out var existing) ? existing : ImmutableSortedSet.Create<Job>(TeamQueueOrder.Instance);
        return new PendingQueue(
            ByTeam.SetItem(job.Team, queue.Add(job)),
            byId.Add(job.Id, job),
            WithoutGpusCount + (job.Request.Gpus == 0 ? 1 : 0),
            Demand.SetItem(job.Team, Demand.GetValueOrDefault(job.Team, TeamDemand.None).Add(job.Request)),
            Requests.SetItem(job.Request, Requests.GetValueOrDefault(job.Request) + 1));
    }

    public PendingQueue Remove(Job job)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (!byId.TryGetValue(job.Id, out var queued))
        {
            return this;
        }

        var removed = ByTeam[queued.Team].Remove(queued);
        var byTeam = removed.IsEmpty ? ByTeam.Remove(queued.Team) : ByTeam.SetItem(queued.Team, removed);
        var left = Requests.GetValueOrDefault(queued.Request) - 1;
        return new PendingQueue(
            byTeam,
            byId.Remove(job.Id),
            WithoutGpusCount - (queued.Request.Gpus == 0 ? 1 : 0),
            removed.IsEmpty ? Demand.Remove(queued.Team) : Demand.SetItem(queued.Team, Demand[queued.Team].Remove(queued.Request)),
            left > 0 ? Requests.SetItem(queued.Request, left) : Requests.Remove(queued.Request));
    }

    /// <summary>
    /// This queue without <paramref name="jobs"/>, all of which must be pending (else <paramref name="missing"/> is the
    /// first that is not, and this queue is returned unchanged): the same queue as removing them one by one with
    /// <see cref="Remove"/>, built through builders, so the paths that many removals share are copied once instead
    /// of once per job (a deciding pass starts a hundred jobs at a time).
    /// </summary>
    internal PendingQueue RemoveAll(IReadOnlyList<Job> jobs, out Job? missing)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        missing = null;
        if (jobs.Count == 0)
        {
            return this;
        }

        var ids = byId.ToBuilder();
        var teams = new Dictionary<string, ImmutableSortedSet<Job>.Builder>(StringComparer.Ordinal);
        var demand = Demand.ToBuilder();
        var requests = Requests.ToBuilder();
        var withoutGpus = WithoutGpusCount;
        foreach (var job in jobs)
        {
            if (!ids.TryGetValue(job.Id, out var queued))
            {
                missing = job;
                return this;
            }

            ids.Remove(job.Id);
            if (!teams.TryGetValue(queued.Team, out var team))
            {
                team = ByTeam[queued.Team].ToBuilder();
                teams.Add(queued.Team, team);
            }

            team.Remove(queued);
            withoutGpus -= queued.Request.Gpus == 0 ? 1 : 0;
            demand[queued.Team] = demand[queued.Team].Remove(queued.Request);
            var left = requests.GetValueOrDefault(queued.Request) - 1;
            if (left > 0)
            {
                requests[queued.Request] = left;
            }
            else
            {
                requests.Remove(queued.Request);
            }
        }

        var byTeam = ByTeam.ToBuilder();
        foreach (var (name, team) in teams)
        {
            if (team.Count == 0)
            {
                byTeam.Remove(name);
                demand.Remove(name);
            }
            else
            {
                byTeam[name] = team.ToImmutable();
            }
        }

        return new PendingQueue(byTeam.ToImmutable(), ids.ToImmutable(), withoutGpus, demand.ToImmutable(), requests.ToImmutable());
    }

    public IEnumerable<Job> AllJobs => ByTeam.Values.SelectMany(q => q);

    /// <summary>
    /// A team's queue as an array in team order, built once per version of that team's queue and shared by every
    /// pass that sees that version; a pass reads arrays instead of walking trees.
    /// </summary>
    public IReadOnlyList<Job> Ordered(string team) =>
        ByTeam.TryGetValue(team, out var queue) ? OrderedTeam(queue).Jobs : [];

    /// <summary>The arrays of this version of a team's queue (see <see cref="OrderedTeamQueue"/>), built on first use.</summary>
    internal static OrderedTeamQueue OrderedTeam(ImmutableSortedSet<Job> teamQueue) =>
        OrderedArrays.GetValue(teamQueue, static q => new OrderedTeamQueue([.. q]));

    /// <summary>The arrays <see cref="OrderedTeam"/> already built for this version of the team's queue, if any (builds none).</summary>
    internal static OrderedTeamQueue? OrderedIfBuilt(ImmutableSortedSet<Job> teamQueue) =>
        OrderedArrays.TryGetValue(teamQueue, out var built) ? built : null;
}

/// <summary>
/// One version of a team's queue as arrays in team order: the jobs, and beside them each job's merge keys and request
/// (<see cref="QueuedJob"/>). A pass that walks a whole backlog reads the second array front to back instead of
/// following every job to its spec and request (those loads, scattered over the heap, were about a fifth of a
/// full-cluster pass).
/// </summary>
internal sealed class OrderedTeamQueue
{
    public OrderedTeamQueue(Job[] jobs)
    {
        Jobs = jobs;
        Queued = new QueuedJob[jobs.Length];
        for (var i = 0; i < jobs.Length; i++)
        {
            Queued[i] = QueuedJob.Of(jobs[i]);
        }
    }

    public Job[] Jobs { get; }

    public QueuedJob[] Queued { get; }
}

/// <summary>
/// A pending job as the scheduler's walk reads it: the job, its merge keys (priority, submit time as UTC ticks, id)
/// and its request and walltime, copied out of <see cref="Job"/>, <see cref="JobSpec"/> and <see cref="ResourceRequest"/>.
/// </summary>
internal readonly record struct QueuedJob(Job Job, int Priority, long SubmittedTicks, JobId Id, ResourceAmount Amount, string? GpuModel, TimeSpan? Walltime)
{
    public static QueuedJob Of(Job job)
    {
        var spec = job.Spec;
        var request = spec.Request;
        return new QueuedJob(job, spec.Priority, job.SubmittedAt.UtcTicks, job.Id, new ResourceAmount(request.Gpus, request.CpuMillicores, request.MemoryMiB), request.GpuModel, spec.Walltime);
    }
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

/// <summary>What the never-fits check of a job depends on.</summary>
public readonly record struct JobShape(string Team, ResourceRequest Request, int Priority)
{
    public static JobShape Of(Job job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return new JobShape(job.Team, job.Request, job.Priority);
    }
}
