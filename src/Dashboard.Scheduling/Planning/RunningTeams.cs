using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Dashboard.Scheduling.Model;

namespace Dashboard.Scheduling.Planning;

/// <summary>
/// The team of each running job, by position, kept beside each (immutable) running list. Finding a team's jobs then
/// reads one flat array instead of following three references per running job; <see cref="ClusterTransitions"/>
/// derives the array of a new list from the previous one (a removal or an append), so it is built from scratch only
/// for lists made elsewhere. Never mutated once remembered.
/// </summary>
internal static class RunningTeams
{
    private static readonly ConditionalWeakTable<RunningJob[], string[]> ByList = new();

    public static string[] Of(ImmutableArray<RunningJob> running) =>
        running.IsDefaultOrEmpty ? [] : ByList.GetValue(ImmutableCollectionsMarshal.AsArray(running)!, static list => [.. list.Select(r => r.Job.Team)]);

    /// <summary>The array remembered for <paramref name="running"/>, if any (for the invariant check).</summary>
    public static string[]? Remembered(ImmutableArray<RunningJob> running) =>
        !running.IsDefaultOrEmpty && ByList.TryGetValue(ImmutableCollectionsMarshal.AsArray(running)!, out var teams) ? teams : null;

    /// <summary>Records <paramref name="teams"/> as the teams of <paramref name="running"/>, position by position.</summary>
    public static ImmutableArray<RunningJob> Remember(ImmutableArray<RunningJob> running, string[] teams)
    {
        if (!running.IsDefaultOrEmpty)
        {
            ByList.AddOrUpdate(ImmutableCollectionsMarshal.AsArray(running)!, teams);
        }

        return running;
    }

    /// <summary><paramref name="running"/> without the job at <paramref name="index"/>, its teams derived from the list's.</summary>
    public static ImmutableArray<RunningJob> RemoveAt(ImmutableArray<RunningJob> running, int index)
    {
        var teams = Of(running);
        var left = new string[teams.Length - 1];
        Array.Copy(teams, 0, left, 0, index);
        Array.Copy(teams, index + 1, left, index, teams.Length - index - 1);
        return Remember(running.RemoveAt(index), left);
    }
}
