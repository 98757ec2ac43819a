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
/// job; <see cref="ClusterTransitions"/> derives the arrays of a new list from the previous one (a removal or an
/// append, plain memory copies), so they are built from scratch only for lists made elsewhere. Never mutated once
/// remembered.
/// </summary>
internal static class RunningTeams
{
    private static readonly ConditionalWeakTable<RunningJob[], Columns> ByList = new();

    /// <summary>The kept columns of <paramref name="running"/> (built now when none are kept).</summary>
    public static Columns ColumnsOf(ImmutableArray<RunningJob> running) =>
        running.IsDefaultOrEmpty ? Columns.Empty : ByList.GetValue(ImmutableCollectionsMarshal.AsArray(running)!, static list => Columns.Of(list));

    /// <summary>The team of each running job, by position.</summary>
    public static string[] Of(ImmutableArray<RunningJob> running) => [.. ColumnsOf(running).Teams.Select(TeamNumbers.NameOf)];

    /// <summary>The teams remembered for <paramref name="running"/>, if any (for the invariant check).</summary>
    public static string[]? Remembered(ImmutableArray<RunningJob> running) =>
        !running.IsDefaultOrEmpty && ByList.TryGetValue(ImmutableCollectionsMarshal.AsArray(running)!, out var columns) ? [.. columns.Teams.Select(TeamNumbers.NameOf)] : null;

    /// <summary>The job ids remembered for <paramref name="running"/>, if any (for the invariant check).</summary>
    public static long[]? RememberedIds(ImmutableArray<RunningJob> running) =>
        !running.IsDefaultOrEmpty && ByList.TryGetValue(ImmutableCollectionsMarshal.AsArray(running)!, out var columns) ? columns.JobIds : null;

    /// <summary>Records <paramref name="teams"/> as the teams of <paramref name="running"/>, position by position (ids from the jobs).</summary>
    public static ImmutableArray<RunningJob> Remember(ImmutableArray<RunningJob> running, string[] teams) =>
        Remember(running, new Columns([.. teams.Select(TeamNumbers.Of)], [.. running.Select(r => r.Job.Id.Value)]));

    public static ImmutableArray<RunningJob> Remember(ImmutableArray<RunningJob> running, Columns columns)
    {
        if (!running.IsDefaultOrEmpty)
        {
            ByList.AddOrUpdate(ImmutableCollectionsMarshal.AsArray(running)!, columns);
        }

        return running;
    }

    /// <summary><paramref name="running"/> without the job at <paramref name="index"/>, its columns derived from the list's.</summary>
    public static ImmutableArray<RunningJob> RemoveAt(ImmutableArray<RunningJob> running, int index) =>
        Remember(running.RemoveAt(index), ColumnsOf(running).WithoutAt(index));

    /// <summary>The position of job <paramref name="id"/> in <paramref name="running"/>; -1 when it is not running.</summary>
    public static int IndexOf(ImmutableArray<RunningJob> running, JobId id) => ColumnsOf(running).JobIds.AsSpan().IndexOf(id.Value);

    /// <summary>Team numbers and job ids by position.</summary>
    internal sealed class Columns(int[] teams, long[] jobIds)
    {
        public static readonly Columns Empty = new([], []);

        public int[] Teams { get; } = teams;

        public long[] JobIds { get; } = jobIds;

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

        public Columns WithoutAt(int index) => new(Without(Teams, index), Without(JobIds, index));

        /// <summary>These columns followed by the jobs of <paramref name="added"/>.</summary>
        public Columns Append(IReadOnlyList<Job> added)
        {
            var teams = new int[Teams.Length + added.Count];
            var ids = new long[JobIds.Length + added.Count];
            Teams.CopyTo(teams, 0);
            JobIds.CopyTo(ids, 0);
            for (var i = 0; i < added.Count; i++)
            {
                teams[Teams.Length + i] = TeamNumbers.Of(added[i].Team);
                ids[JobIds.Length + i] = added[i].Id.Value;
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
