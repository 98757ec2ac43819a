using System.Runtime.CompilerServices;
using Dashboard.Scheduling.Model;

namespace Dashboard.Scheduling.Planning;

/// <summary>
/// The fewest GPUs any pending job of a team asks for, by team number, looked up once per team and pass.
/// </summary>
internal sealed class FewestGpusAsked(PendingQueue pending, string[] teamNames)
{
    /// <summary>
    /// The answer by the team's (immutable) demand summary: most teams' summaries are the same from one pass to the
    /// next, and enumerating an immutable dictionary's keys is slow.
    /// </summary>
    private static readonly ConditionalWeakTable<TeamDemand, StrongBox<int>> ByDemand = new();

    private int?[]? byTeam;

    public int Of(int teamNumber)
    {
        byTeam ??= new int?[teamNames.Length];
        if (byTeam[teamNumber] is not { } fewest)
        {
            fewest = pending.Demand.TryGetValue(teamNames[teamNumber], out var demand)
                ? ByDemand.GetValue(demand, static d => new StrongBox<int>(d.Requests.Count == 0 ? 0 : d.Requests.Keys.Min(r => r.Gpus))).Value
                : 0;
            byTeam[teamNumber] = fewest;
        }

        return fewest;
    }
}
