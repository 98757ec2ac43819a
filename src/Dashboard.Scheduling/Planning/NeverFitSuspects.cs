using Dashboard.Scheduling.Model;

namespace Dashboard.Scheduling.Planning;

/// <summary>
/// Whether a team (by team number) may hold a job that can never fit: the queue's per-team summaries answer "no" for
/// most teams, whose jobs then skip the per-job check (exact: the summaries give a superset). Computed on first use.
/// </summary>
internal sealed class NeverFitSuspects(NeverFits neverFits, PendingQueue pending, string[] teamNames)
{
    private bool[]? mayHold;

    public bool MayHold(int teamNumber)
    {
        if (mayHold is null)
        {
            var suspects = neverFits.TeamsThatMayHoldNeverFittingJobs(pending);
            mayHold = new bool[teamNames.Length];
            for (var t = 0; t < mayHold.Length && suspects.Count > 0; t++)
            {
                mayHold[t] = suspects.Contains(teamNames[t]);
            }
        }

        return mayHold[teamNumber];
    }
}
