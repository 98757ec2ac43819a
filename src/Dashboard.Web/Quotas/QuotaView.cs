using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Dashboard.Engine.Feed;
using Dashboard.Scheduling.Model;
using Dashboard.Web.Identity;
using Dashboard.Web.Cluster;

namespace Dashboard.Web.Quotas;

/// <summary>
/// Each team's quota against what it holds, for one <see cref="ClusterUpdate"/>: nominal, in use, borrowed and lent,
/// per resource. Built once per snapshot and filtered per person (<see cref="For"/>): a member sees their teams, team
/// leads and admins see every team.
/// </summary>
public sealed record QuotaView(DateTimeOffset At, ImmutableArray<TeamQuotaRow> Teams)
{
    public static QuotaView Empty { get; } = new(DateTimeOffset.MinValue, []);

    /// <summary>
    /// True when the quota table would draw <paramref name="other"/> exactly as this: the same rows, by value (the
    /// record's own equality compares the row arrays by reference). <see cref="At"/> is not shown and does not count:
    /// an update that changed nothing shown must cost the browser nothing, so the table skips its render.
    /// </summary>
    public bool ShowsSameAs(QuotaView? other) =>
        other is not null && (ReferenceEquals(this, other) || Teams.AsSpan().SequenceEqual(other.Teams.AsSpan()));

    private static readonly ConditionalWeakTable<ClusterSnapshot, QuotaView> Shared = [];

    /// <summary>The rows <paramref name="user"/> may see: their own teams for a member, every team for a team lead or an admin.</summary>
    public QuotaView For(ICurrentUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return user.Role is Data.Users.UserRole.Admin or Data.Users.UserRole.TeamLead
            ? this
            : this with { Teams = [.. Teams.Where(t => user.Teams.Contains(t.Team, StringComparer.Ordinal))] };
    }

    /// <summary>The view of <paramref name="update"/>'s snapshot, shared by every circuit that shows it.</summary>
    public static QuotaView Of(ClusterUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        return Shared.GetValue(update.Snapshot, _ => From(update.Snapshot, update.At));
    }

    /// <summary>
    /// Computes every team's row. Per resource: <c>used</c> is what the team's running jobs hold; <c>borrowed</c> is
    /// its use above nominal, <c>max(0, used - nominal)</c>; its <c>idle nominal</c> is <c>max(0, nominal - used)</c>.
    /// <c>lent</c> is the team's share of the cluster's total borrowing, apportioned over idle nominal:
    /// <c>lent = idle nominal x min(1, total borrowed / total idle nominal)</c>, in whole units by largest remainder
    /// (ties by team name), so the teams' lent amounts add up to exactly <c>min(total borrowed, total idle nominal)</c>.
    /// Borrowing beyond all idle nominal came from capacity no team's quota names, and is lent by nobody.
    /// </summary>
    public static QuotaView From(ClusterSnapshot snapshot, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var used = new Dictionary<string, ResourceAmount>(StringComparer.Ordinal);
        foreach (var running in snapshot.Running)
        {
            used[running.Job.Team] = used.GetValueOrDefault(running.Job.Team) + running.Allocation.Amount;
        }

        var quotas = snapshot.Quotas.OrderBy(q => q.Team, StringComparer.Ordinal).ToList();
        var colours = TeamPalette.Assign(quotas.Select(q => q.Team).Concat(snapshot.Running.Select(r => r.Job.Team)));
        var gpus = Lines(quotas, used, a => a.Gpus);
        var cpu = Lines(quotas, used, a => a.CpuMillicores);
        var memory = Lines(quotas, used, a => a.MemoryMiB);
        var rows = quotas
            .Select((q, i) => new TeamQuotaRow(q.Team, colours[q.Team], q, gpus[i], cpu[i], memory[i]))
            .ToImmutableArray();
        return new QuotaView(at, rows);
    }

    private static ResourceLine[] Lines(List<TeamQuota> quotas, Dictionary<string, ResourceAmount> used, Func<ResourceAmount, long> pick)
    {
        var nominal = quotas.Select(q => pick(q.Nominal)).ToArray();
        var inUse = quotas.Select(q => pick(used.GetValueOrDefault(q.Team))).ToArray();
        var borrowed = nominal.Select((n, i) => Math.Max(0, inUse[i] - n)).ToArray();
        var idle = nominal.Select((n, i) => Math.Max(0, n - inUse[i])).ToArray();
        var lent = Apportion(idle, Math.Min(borrowed.Sum(), idle.Sum()));
        return [.. quotas.Select((q, i) => new ResourceLine(nominal[i], inUse[i], borrowed[i], lent[i], pick(q.BorrowingLimit)))];
    }

    /// <summary>Splits <paramref name="total"/> (at most the weights' sum) in proportion to <paramref name="weights"/>, whole units by largest remainder.</summary>
    internal static long[] Apportion(long[] weights, long total)
    {
        var sum = weights.Sum();
        var shares = new long[weights.Length];
        if (sum <= 0 || total <= 0)
        {
            return shares;
        }

        var remainders = new (decimal Remainder, int Index)[weights.Length];
        long given = 0;
        for (var i = 0; i < weights.Length; i++)
        {
            var exact = (decimal)weights[i] * total / sum;
            shares[i] = (long)Math.Floor(exact);
            given += shares[i];
            remainders[i] = (exact - shares[i], i);
        }

        // Teams are in name order, so equal remainders go to the earlier name.
        foreach (var (_, index) in remainders.OrderByDescending(r => r.Remainder).ThenBy(r => r.Index).Take((int)(total - given)))
        {
            shares[index]++;
        }

        return shares;
    }
}

/// <summary>One team's quota and use per resource; <see cref="Quota"/> is the quota as the engine holds it.</summary>
public sealed record TeamQuotaRow(string Team, string Colour, TeamQuota Quota, ResourceLine Gpus, ResourceLine Cpu, ResourceLine Memory)
{
    public bool Borrowing => Gpus.Borrowed > 0 || Cpu.Borrowed > 0 || Memory.Borrowed > 0;

    public string CpuText => $"{Display.CoresValue(Cpu.Used)} / {Display.Cores(Cpu.Nominal)}" + (Cpu.Borrowed > 0 ? $" (+{Display.CoresValue(Cpu.Borrowed)} borrowed)" : "");

    public string MemoryText => $"{Display.GiBValue(Memory.Used)} / {Display.GiB(Memory.Nominal)}" + (Memory.Borrowed > 0 ? $" (+{Display.GiBValue(Memory.Borrowed)} borrowed)" : "");
}

/// <summary>
/// One resource of one team, in the resource's unit (GPUs, millicores, MiB): nominal quota, in use, borrowed (use
/// above nominal), lent (idle nominal currently used by other teams' borrowing; see <see cref="QuotaView.From"/>)
/// and the borrowing limit.
/// </summary>
public sealed record ResourceLine(long Nominal, long Used, long Borrowed, long Lent, long BorrowingLimit)
{
    /// <summary>What the bar spans: the nominal quota, or the use when it is larger.</summary>
    public long Scale => Math.Max(1, Math.Max(Nominal, Used));

    /// <summary>Use within nominal, 0-100 of <see cref="Scale"/>.</summary>
    public double WithinPercent => 100.0 * Math.Min(Used, Nominal) / Scale;

    /// <summary>The whole use, 0-100 of <see cref="Scale"/>.</summary>
    public double UsedPercent => 100.0 * Used / Scale;
}
