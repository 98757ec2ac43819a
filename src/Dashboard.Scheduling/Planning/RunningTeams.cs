using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Dashboard.Scheduling.Model;

namespace Dashboard.Scheduling.Planning;

/// <summary>
/// The team and the id of each running job, by position, kept beside each (immutable) running list as two flat
/// arrays of numbers (teams as <see cref="TeamNumbers"/>). Finding a team's jobs or a job's position then scans
/// plain numbers (vectorised, no reference followed, no string compared) instead of three references per running
/// job; <see cref="ClusterTransitions"/> derives the columns of a new list from the previous one, so they are built
/// from scratch only for lists made elsewhere. A removal copies nothing: the new columns are the old arrays and the
/// positions removed from them (<see cref="Columns.WithoutAt"/>), made flat again only when read as arrays or after
/// many removals; an append copies. Never changed once remembered.
/// The columns of the last few lists remembered are held in a small ring, looked at before the weak table: a
/// release used to register every new list in the weak table (a dependent handle each, which every garbage
/// collection then visits), though most lists are read once, by the next release, and dropped. Columns that leave
/// the ring are rebuilt from their list when read again, and then kept in the weak table.
/// </summary>
internal static class RunningTeams
{
    private const int RecentCount = 8;

    private static readonly ConditionalWeakTable<RunningJob[], Columns> ByList = new();
    private static readonly Kept?[] Recent = new Kept?[RecentCount];
    private static int recentNext;

    /// <summary>The kept columns of <paramref name="running"/> (built now when none are kept).</summary>
    public static Columns ColumnsOf(ImmutableArray<RunningJob> running)
    {
        if (running.IsDefaultOrEmpty)
        {
            return Columns.Empty;
        }

        var list = ImmutableCollectionsMarshal.AsArray(running)!;
        return RecentlyKept(list) ?? ByList.GetValue(list, static list => Columns.Of(list));
    }

    /// <summary>The team of each running job, by position.</summary>
    public static string[] Of(ImmutableArray<RunningJob> running) => [.. ColumnsOf(running).Teams.Select(TeamNumbers.NameOf)];

    /// <summary>The teams remembered for <paramref name="running"/>, if any (for the invariant check).</summary>
    public static string[]? Remembered(ImmutableArray<RunningJob> running) =>
        KeptFor(running) is { } columns ? [.. columns.Teams.Select(TeamNumbers.NameOf)] : null;

    /// <summary>The job ids remembered for <paramref name="running"/>, if any (for the invariant check).</summary>
    public static long[]? RememberedIds(ImmutableArray<RunningJob> running) => KeptFor(running)?.JobIds;

    /// <summary>Records <paramref name="teams"/> as the teams of <paramref name="running"/>, position by position (ids from the jobs).</summary>
    public static ImmutableArray<RunningJob> Remember(ImmutableArray<RunningJob> running, string[] teams) =>
        Remember(running, new Columns([.. teams.Select(TeamNumbers.Of)], [.. running.Select(r => r.Job.Id.Value)]));

    public static ImmutableArray<RunningJob> Remember(ImmutableArray<RunningJob> running, Columns columns)
    {
        if (!running.IsDefaultOrEmpty)
        {
            var list = ImmutableCollectionsMarshal.AsArray(running)!;

            // A list already in the weak table keeps its entry there up to date too (the ring is looked at first).
            if (ByList.TryGetValue(list, out _))
            {
                ByList.AddOrUpdate(list, columns);
            }

            var slot = (int)((uint)Interlocked.Increment(ref recentNext) % RecentCount);
            Volatile.Write(ref Recent[slot], new Kept(list, columns));
        }

        return running;
    }

    /// <summary><paramref name="running"/> without the job at <paramref name="index"/>, its columns derived from the list's.</summary>
    public static ImmutableArray<RunningJob> RemoveAt(ImmutableArray<RunningJob> running, int index) =>
        Remember(running.RemoveAt(index), ColumnsOf(running).WithoutAt(index));

    /// <summary>The position of job <paramref name="id"/> in <paramref name="running"/>; -1 when it is not running.</summary>
    public static int IndexOf(ImmutableArray<RunningJob> running, JobId id) => ColumnsOf(running).IndexOf(id.Value);

    /// <summary>The columns kept for <paramref name="running"/> in the ring or the weak table; null when none (builds none).</summary>
    private static Columns? KeptFor(ImmutableArray<RunningJob> running)
    {
        if (running.IsDefaultOrEmpty)
        {
            return null;
        }

        var list = ImmutableCollectionsMarshal.AsArray(running)!;
        return RecentlyKept(list) ?? (ByList.TryGetValue(list, out var columns) ? columns : null);
    }

    /// <summary>The columns the ring holds for <paramref name="list"/>, the latest remembered first; null when none.</summary>
    private static Columns? RecentlyKept(RunningJob[] list)
    {
        var latest = (uint)Volatile.Read(ref recentNext);
        for (var i = 0u; i < RecentCount; i++)
        {
            if (Volatile.Read(ref Recent[(latest - i) % RecentCount]) is { } kept && ReferenceEquals(kept.List, list))
            {
                return kept.Columns;
            }
        }

        return null;
    }

    private sealed record Kept(RunningJob[] List, Columns Columns);

    /// <summary>
    /// Team numbers and job ids by position: flat arrays, or (after removals) the arrays of an earlier list and the
    /// positions removed from them, in ascending order.
    /// </summary>
    internal sealed class Columns
    {
        /// <summary>Removals kept as positions before the columns are made flat again (a copy of both arrays).</summary>
        private const int MaxRemoved = 256;

        public static readonly Columns Empty = new([], []);

        private readonly int[] baseTeams;
        private readonly long[] baseIds;
        private readonly int[] removed;
        private int[]? teams;
        private long[]? ids;

        public Columns(int[] teams, long[] jobIds)
            : this(teams, jobIds, [])
        {
        }

        private Columns(int[] baseTeams, long[] baseIds, int[] removed)
        {
            this.baseTeams = baseTeams;
            this.baseIds = baseIds;
            this.removed = removed;
            if (removed.Length == 0)
            {
                teams = baseTeams;
                ids = baseIds;
            }
        }

        public int Count => baseIds.Length - removed.Length;

        /// <summary>The team number of each job, by position (made flat on first read).</summary>
        public int[] Teams => teams ??= Without(baseTeams, removed);

        /// <summary>The id of each job, by position (made flat on first read).</summary>
        public long[] JobIds => ids ??= Without(baseIds, removed);

        public static Columns Of(RunningJob[] list)
        {
            var teams = new int[list.Length];
            var ids = new long[list.Length];
            for (var i = 0; i < list.Length; i++)
            {
                teams[i] = TeamNumbers.Of(list[i].Job.Team);
                ids[i] = list[i].Job.Id.Value;
            }

            return new Columns(teams, ids);
        }

        /// <summary>The position of job <paramref name="id"/>; -1 when it is not among these.</summary>
        public int IndexOf(long id)
        {
            if (ids is { } flat)
            {
                return flat.AsSpan().IndexOf(id);
            }

            var at = baseIds.AsSpan().IndexOf(id);
            if (at < 0)
            {
                return -1;
            }

            var before = Array.BinarySearch(removed, at);
            return before >= 0 ? -1 : at - ~before;
        }

        /// <summary>Adds the position of every job of team number <paramref name="team"/> to <paramref name="positions"/>, in order.</summary>
        public void PositionsOf(int team, List<int> positions)
        {
            var all = (teams ?? baseTeams).AsSpan();
            var gaps = teams is null ? removed : [];
            var gap = 0;
            for (var from = 0; from < all.Length;)
            {
                var found = all[from..].IndexOf(team);
                if (found < 0)
                {
                    return;
                }

                var at = from + found;
                while (gap < gaps.Length && gaps[gap] < at)
                {
                    gap++;
                }

                if (gap >= gaps.Length || gaps[gap] != at)
                {
                    positions.Add(at - gap);
                }

                from = at + 1;
            }
        }

        /// <summary>These columns without the job at <paramref name="index"/> (the arrays are shared, not copied).</summary>
        public Columns WithoutAt(int index)
        {
            if (removed.Length >= MaxRemoved)
            {
                return new Columns(Without(Teams, index), Without(JobIds, index));
            }

            // The base position of the index-th job left: step over the removed positions at or before it.
            var at = index;
            var gap = 0;
            while (gap < removed.Length && removed[gap] <= at)
            {
                at++;
                gap++;
            }

            var more = new int[removed.Length + 1];
            Array.Copy(removed, more, gap);
            more[gap] = at;
            Array.Copy(removed, gap, more, gap + 1, removed.Length - gap);
            return new Columns(baseTeams, baseIds, more);
        }

        /// <summary>These columns followed by the jobs of <paramref name="added"/>.</summary>
        public Columns Append(IReadOnlyList<Job> added)
        {
            var before = Teams;
            var beforeIds = JobIds;
            var teams = new int[before.Length + added.Count];
            var ids = new long[beforeIds.Length + added.Count];
            before.CopyTo(teams, 0);
            beforeIds.CopyTo(ids, 0);
            for (var i = 0; i < added.Count; i++)
            {
                teams[before.Length + i] = TeamNumbers.Of(added[i].Team);
                ids[beforeIds.Length + i] = added[i].Id.Value;
            }

            return new Columns(teams, ids);
        }

        private static T[] Without<T>(T[] source, int index)
        {
            var left = new T[source.Length - 1];
            Array.Copy(source, 0, left, 0, index);
            Array.Copy(source, index + 1, left, index, source.Length - index - 1);
            return left;
        }

        /// <summary><paramref name="source"/> without the positions <paramref name="gaps"/> (ascending).</summary>
        private static T[] Without<T>(T[] source, int[] gaps)
        {
            var left = new T[source.Length - gaps.Length];
            var to = 0;
            var from = 0;
            foreach (var gap in gaps)
            {
                Array.Copy(source, from, left, to, gap - from);
                to += gap - from;
                from = gap + 1;
            }

            Array.Copy(source, from, left, to, source.Length - from);
            return left;
        }
    }
}

/// <summary>
/// A number for every team name this process has seen (ordinal), so per-job team columns hold numbers instead of
/// strings. Only grows; thread-safe; the same name always gets the same number.
/// </summary>
internal static class TeamNumbers
{
    private static readonly ConcurrentDictionary<string, int> Numbers = new(StringComparer.Ordinal);
    private static readonly List<string> Names = [];
    private static readonly Lock Adding = new();

    public static int Of(string team)
    {
        if (Numbers.TryGetValue(team, out var number))
        {
            return number;
        }

        lock (Adding)
        {
            if (!Numbers.TryGetValue(team, out number))
            {
                number = Names.Count;
                Names.Add(team);
                Numbers[team] = number;
            }

            return number;
        }
    }

    public static string NameOf(int number)
    {
        lock (Adding)
        {
            return Names[number];
        }
    }
}
