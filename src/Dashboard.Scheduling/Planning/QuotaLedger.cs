using System.Collections.Immutable;
using System.Runtime.InteropServices;
using Dashboard.Scheduling.Model;

namespace Dashboard.Scheduling.Planning;

internal enum Admission
{
    /// <summary>Fits within the team's nominal quota.</summary>
    Guaranteed,

    /// <summary>Fits only by borrowing idle capacity, up to the borrowing limit; the job is preemptible.</summary>
    Borrowing,

    /// <summary>Would take the team past nominal + borrowing limit.</summary>
    Blocked,
}

/// <summary>Step 3's books: what each team holds during the pass, against its nominal quota and ceiling.</summary>
internal sealed class QuotaLedger
{
    private readonly Dictionary<string, TeamQuota> quotas;
    private readonly Dictionary<string, ResourceAmount> inUse = new(StringComparer.Ordinal);

    public QuotaLedger(IEnumerable<TeamQuota> teamQuotas, IEnumerable<RunningJob> running)
    {
        quotas = teamQuotas.ToDictionary(q => q.Team, StringComparer.Ordinal);
        foreach (var job in running)
        {
            Charge(job.Job.Team, job.Allocation.Amount);
        }
    }

    /// <summary>The books of <paramref name="running"/>, summed by the team numbers kept beside the list (no name hashed per job).</summary>
    public QuotaLedger(IEnumerable<TeamQuota> teamQuotas, ImmutableArray<RunningJob> running)
    {
        quotas = teamQuotas.ToDictionary(q => q.Team, StringComparer.Ordinal);
        var teams = RunningTeams.ColumnsOf(running).Teams;
        if (teams.Length == 0)
        {
            return;
        }

        var byTeam = new ResourceAmount[teams.Max() + 1];
        var seen = new bool[byTeam.Length];
        for (var i = 0; i < teams.Length; i++)
        {
            byTeam[teams[i]] += running[i].Allocation.Amount;
            seen[teams[i]] = true;
        }

        for (var number = 0; number < byTeam.Length; number++)
        {
            if (seen[number])
            {
                inUse[TeamNumbers.NameOf(number)] = byTeam[number];
            }
        }
    }

    private QuotaLedger(QuotaLedger other)
    {
        quotas = other.quotas;
        inUse = new Dictionary<string, ResourceAmount>(other.inUse, StringComparer.Ordinal);
    }

    public QuotaLedger Clone() => new(this);

    public TeamQuota? QuotaOf(string team) => quotas.GetValueOrDefault(team);

    public ResourceAmount InUse(string team) => inUse.GetValueOrDefault(team);

    public ResourceAmount Ceiling(string team) => quotas.TryGetValue(team, out var quota) ? quota.Ceiling : ResourceAmount.Zero;

    public Admission Admit(string team, ResourceAmount request)
    {
        if (!quotas.TryGetValue(team, out var quota))
        {
            return Admission.Blocked;
        }

        var after = InUse(team) + request;
        if (after.FitsWithin(quota.Nominal))
        {
            return Admission.Guaranteed;
        }

        return after.FitsWithin(quota.Ceiling) ? Admission.Borrowing : Admission.Blocked;
    }

    /// <summary>True when the team cannot take even one more GPU nor any more CPU: none of its jobs can be admitted.</summary>
    public bool IsExhausted(string team)
    {
        var room = Ceiling(team) - InUse(team);
        return room.Gpus <= 0 && (room.CpuMillicores <= 0 || room.MemoryMiB <= 0);
    }

    public void Charge(string team, ResourceAmount amount)
    {
        ref var used = ref CollectionsMarshal.GetValueRefOrAddDefault(inUse, team, out _);
        used += amount;
    }

    public void Refund(string team, ResourceAmount amount)
    {
        ref var used = ref CollectionsMarshal.GetValueRefOrAddDefault(inUse, team, out _);
        used -= amount;
    }
}
