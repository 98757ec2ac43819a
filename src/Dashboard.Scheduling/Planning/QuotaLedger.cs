using System.Collections.Immutable;
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

/// <summary>
/// Step 3's books: what each team holds during the pass, against its nominal quota and ceiling. Each team has a slot
/// (a small number) and the books are arrays by slot: a pass asks about the job's team several times per job, and
/// looks the team's slot up once per pass (<see cref="SlotOf"/>) instead of hashing its name at every question.
/// </summary>
internal sealed class QuotaLedger
{
    private readonly Dictionary<string, int> slots;
    private TeamQuota?[] quotas;
    private ResourceAmount[] inUse;

    public QuotaLedger(IEnumerable<TeamQuota> teamQuotas, IEnumerable<RunningJob> running)
        : this(teamQuotas)
    {
        foreach (var job in running)
        {
            Charge(job.Job.Team, job.Allocation.Amount);
        }
    }

    /// <summary>The books of <paramref name="running"/>, summed by the team numbers kept beside the list (no name hashed per job).</summary>
    public QuotaLedger(IEnumerable<TeamQuota> teamQuotas, ImmutableArray<RunningJob> running)
        : this(teamQuotas)
    {
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
                inUse[SlotOf(TeamNumbers.NameOf(number))] = byTeam[number];
            }
        }
    }

    private QuotaLedger(IEnumerable<TeamQuota> teamQuotas)
    {
        slots = new Dictionary<string, int>(StringComparer.Ordinal);
        var list = teamQuotas.ToList();
        quotas = new TeamQuota?[Math.Max(list.Count, 4)];
        inUse = new ResourceAmount[quotas.Length];
        foreach (var quota in list)
        {
            if (!slots.TryAdd(quota.Team, slots.Count))
            {
                throw new ArgumentException($"Team {quota.Team} has more than one quota.", nameof(teamQuotas));
            }

            quotas[slots[quota.Team]] = quota;
        }
    }

    private QuotaLedger(QuotaLedger other)
    {
        slots = new Dictionary<string, int>(other.slots, StringComparer.Ordinal);
        quotas = (TeamQuota?[])other.quotas.Clone();
        inUse = (ResourceAmount[])other.inUse.Clone();
    }

    public QuotaLedger Clone() => new(this);

    /// <summary>The slot of <paramref name="team"/> (given one if it has none yet: no quota, nothing in use).</summary>
    public int SlotOf(string team)
    {
        if (slots.TryGetValue(team, out var slot))
        {
            return slot;
        }

        slot = slots.Count;
        if (slot == quotas.Length)
        {
            Array.Resize(ref quotas, slot * 2);
            Array.Resize(ref inUse, slot * 2);
        }

        slots.Add(team, slot);
        return slot;
    }

    public TeamQuota? QuotaOf(string team) => slots.TryGetValue(team, out var slot) ? quotas[slot] : null;

    public TeamQuota? QuotaOf(int slot) => quotas[slot];

    public ResourceAmount InUse(string team) => slots.TryGetValue(team, out var slot) ? inUse[slot] : ResourceAmount.Zero;

    public ResourceAmount InUse(int slot) => inUse[slot];

    public ResourceAmount Ceiling(string team) => slots.TryGetValue(team, out var slot) ? Ceiling(slot) : ResourceAmount.Zero;

    public ResourceAmount Ceiling(int slot) => quotas[slot] is { } quota ? quota.Ceiling : ResourceAmount.Zero;

    public Admission Admit(string team, ResourceAmount request) =>
        slots.TryGetValue(team, out var slot) ? Admit(slot, request) : Admission.Blocked;

    public Admission Admit(int slot, ResourceAmount request)
    {
        if (quotas[slot] is not { } quota)
        {
            return Admission.Blocked;
        }

        var after = inUse[slot] + request;
        if (after.FitsWithin(quota.Nominal))
        {
            return Admission.Guaranteed;
        }

        return after.FitsWithin(quota.Ceiling) ? Admission.Borrowing : Admission.Blocked;
    }

    /// <summary>True when the team cannot take even one more GPU nor any more CPU: none of its jobs can be admitted.</summary>
    public bool IsExhausted(string team) => IsExhausted(slots.TryGetValue(team, out var slot) ? slot : -1);

    /// <inheritdoc cref="IsExhausted(string)"/>
    public bool IsExhausted(int slot)
    {
        var room = slot < 0 ? ResourceAmount.Zero : Ceiling(slot) - inUse[slot];
        return room.Gpus <= 0 && (room.CpuMillicores <= 0 || room.MemoryMiB <= 0);
    }

    public void Charge(string team, ResourceAmount amount) => inUse[SlotOf(team)] += amount;

    public void Charge(int slot, ResourceAmount amount) => inUse[slot] += amount;

    public void Refund(string team, ResourceAmount amount) => inUse[SlotOf(team)] -= amount;
}
