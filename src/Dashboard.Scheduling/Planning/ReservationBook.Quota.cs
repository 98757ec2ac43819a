using Dashboard.Scheduling.Model;

namespace Dashboard.Scheduling.Planning;

/// <summary>Backfill and quota: a job started now may not take the quota a reserved job of its team needs at its start.</summary>
internal sealed partial class ReservationBook
{
    /// <summary>
    /// The reservation of <paramref name="team"/> whose job would find the team's quota taken at its start if a job
    /// asking for <paramref name="request"/> started now and ran until <paramref name="end"/> (null: forever);
    /// null when none would. The team's use at a reservation's start is its use now, less its jobs that end by
    /// then, plus its reservations that start by then.
    /// </summary>
    public BackfillReservation? WouldTakeReservedQuota(string team, ResourceAmount request, DateTimeOffset? end, ResourceAmount inUseNow, ResourceAmount ceiling)
    {
        if (!teamReservations.TryGetValue(team, out var list))
        {
            return null;
        }

        var reservedByThen = ResourceAmount.Zero;
        foreach (var reservation in list.OrderBy(r => r.Start))
        {
            reservedByThen += reservation.Amount;
            if (end is { } jobEnd && jobEnd <= reservation.Start)
            {
                continue;
            }

            var atStart = inUseNow - EndedBy(team, reservation.Start) + reservedByThen + request;
            if (!atStart.FitsWithin(ceiling))
            {
                return reservation;
            }
        }

        return null;
    }

    private ResourceAmount EndedBy(string team, DateTimeOffset at)
    {
        if (teamReleases is null)
        {
            teamReleases = new Dictionary<string, List<(DateTimeOffset, ResourceAmount)>>(StringComparer.Ordinal);
            foreach (var job in running)
            {
                if (job.Allocation.ExpectedEnd is { } end)
                {
                    AddTeamRelease(teamReleases, job.Job.Team, end, job.Allocation.Amount);
                }
            }

            foreach (var (allocation, startedTeam) in started)
            {
                if (allocation.ExpectedEnd is { } end)
                {
                    AddTeamRelease(teamReleases, startedTeam, end, allocation.Amount);
                }
            }
        }

        var ended = ResourceAmount.Zero;
        if (teamReleases.TryGetValue(team, out var releasesOfTeam))
        {
            foreach (var (releasedAt, amount) in releasesOfTeam)
            {
                if (releasedAt <= at)
                {
                    ended += amount;
                }
            }
        }

        return ended;
    }

    private static void AddTeamRelease(Dictionary<string, List<(DateTimeOffset At, ResourceAmount Amount)>> byTeam, string team, DateTimeOffset end, ResourceAmount amount)
    {
        if (!byTeam.TryGetValue(team, out var list))
        {
            list = [];
            byTeam[team] = list;
        }

        list.Add((end, amount));
    }
}
