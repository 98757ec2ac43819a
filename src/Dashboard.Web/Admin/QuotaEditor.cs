using System.Collections.Immutable;
using System.Globalization;
using Dashboard.Engine.Feed;
using Dashboard.Engine.Loop;
using Dashboard.Scheduling.Model;
using Dashboard.Scheduling.Planning;
using Dashboard.Web.Quotas;

namespace Dashboard.Web.Admin;

/// <summary>
/// The admin quota page's state: a form per team (kept while the admin edits it, refreshed from the feed while not),
/// a form for a new team, the errors and refusals by row, and the change waiting for confirmation with its effect
/// (<see cref="QuotaChangeEffect"/>, computed by the scheduling core on the current snapshot).
/// </summary>
public sealed class QuotaEditor
{
    /// <summary>The key of the new-team row in element ids and error maps.</summary>
    public const string NewKey = "new";

    private readonly SortedDictionary<string, QuotaForm> forms = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ImmutableDictionary<string, string>> errors = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> refusals = new(StringComparer.Ordinal);
    private ClusterUpdate? current;
    private QuotaView usage = QuotaView.Empty;

    public enum Preparation
    {
        Invalid,
        NoClusterYet,
        Confirm,
    }

    public IReadOnlyDictionary<string, QuotaForm> Forms => forms;

    public QuotaForm NewTeam { get; private set; } = QuotaForm.ForNewTeam();

    /// <summary>The change the confirmation dialog shows; null when none is waiting.</summary>
    public PendingQuotaChange? Confirming { get; private set; }

    public IReadOnlyDictionary<string, string> ErrorsOf(string key) =>
        errors.TryGetValue(key, out var found) ? found : ImmutableDictionary<string, string>.Empty;

    public string? RefusalOf(string key) => refusals.GetValueOrDefault(key);

    public TeamQuotaRow? Usage(string team) => usage.Teams.FirstOrDefault(t => t.Team == team);

    /// <summary>Takes the engine's newest state: new teams get a form, forms nobody is editing follow the engine's quota.</summary>
    public void Show(ClusterUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        current = update;
        usage = QuotaView.Of(update);
        foreach (var quota in update.Snapshot.Quotas)
        {
            if (!forms.TryGetValue(quota.Team, out var form))
            {
                forms[quota.Team] = QuotaForm.For(quota);
            }
            else if (!form.IsDirty && form.Origin != quota)
            {
                form.Reset(quota);
            }
        }
    }

    /// <summary>Reads the row's fields; on success the change and its effect wait for confirmation, otherwise the errors show and nothing is sent.</summary>
    public Preparation Prepare(string key)
    {
        var form = FormOf(key);
        refusals.Remove(key);
        var read = form.Read(current?.Summary, current?.Snapshot.Quotas.Select(q => q.Team) ?? []);
        if (!read.IsValid)
        {
            errors[key] = read.Errors;
            return Preparation.Invalid;
        }

        errors.Remove(key);
        if (current is null)
        {
            return Preparation.NoClusterYet;
        }

        var effect = QuotaChangeEffect.Of(current.Snapshot, read.Quota!);
        Confirming = new PendingQuotaChange(key, read.Quota!, effect, PendingQuotaChange.Describe(effect));
        return Preparation.Confirm;
    }

    public void CancelConfirmation() => Confirming = null;

    /// <summary>Records the engine's answer: on success the row starts over from the saved quota (true); a refusal shows in the row (false).</summary>
    public bool Saved(PendingQuotaChange change, CommandResult result)
    {
        ArgumentNullException.ThrowIfNull(change);
        ArgumentNullException.ThrowIfNull(result);
        Confirming = null;
        if (!result.Succeeded)
        {
            var byField = QuotaForm.ErrorsOf(result);
            errors[change.Key] = byField;
            refusals[change.Key] = "The engine refused the quota: " + (result.Reason ?? "no reason given") + ". Nothing was changed.";
            return false;
        }

        errors.Remove(change.Key);
        refusals.Remove(change.Key);
        if (change.Key == NewKey)
        {
            forms[change.Quota.Team] = QuotaForm.For(change.Quota);
            NewTeam = QuotaForm.ForNewTeam();
        }
        else
        {
            FormOf(change.Key).Reset(change.Quota);
        }

        return true;
    }

    private QuotaForm FormOf(string key) =>
        key == NewKey ? NewTeam : forms.TryGetValue(key, out var form) ? form : throw new ArgumentException($"There is no quota row for {key}.", nameof(key));
}

/// <summary>A quota waiting for the admin's confirmation: which row, the quota, its effect and a one-line summary of the change.</summary>
public sealed record PendingQuotaChange(string Key, TeamQuota Quota, QuotaChangeEffect Effect, string Summary)
{
    /// <summary>
    /// "nominal GPUs 12 → 6; ceiling GPUs 20 → 14." for the fields that change, each followed by what the team may hold
    /// at most (its ceiling: nominal + borrowing limit) when that changes too; or the whole quota for a new team.
    /// </summary>
    public static string Describe(QuotaChangeEffect effect)
    {
        ArgumentNullException.ThrowIfNull(effect);
        var after = effect.Proposed;
        if (effect.Previous is not { } before)
        {
            return $"New quota: nominal {Amount(after.Nominal)}; borrowing limit {Amount(after.BorrowingLimit)}; ceiling (most it may hold) {Amount(after.Ceiling)}; weight {Number(after.FairShareWeight)}; max priority {after.MaxPriority}.";
        }

        var parts = new List<string>();
        Change(parts, "nominal GPUs", before.Nominal.Gpus, after.Nominal.Gpus, v => v.ToString(CultureInfo.InvariantCulture));
        Change(parts, "nominal CPU", before.Nominal.CpuMillicores, after.Nominal.CpuMillicores, Units.CoreCount);
        Change(parts, "nominal memory", before.Nominal.MemoryMiB, after.Nominal.MemoryMiB, Units.Memory);
        Change(parts, "borrowing limit GPUs", before.BorrowingLimit.Gpus, after.BorrowingLimit.Gpus, v => v.ToString(CultureInfo.InvariantCulture));
        Change(parts, "borrowing limit CPU", before.BorrowingLimit.CpuMillicores, after.BorrowingLimit.CpuMillicores, Units.CoreCount);
        Change(parts, "borrowing limit memory", before.BorrowingLimit.MemoryMiB, after.BorrowingLimit.MemoryMiB, Units.Memory);
        Change(parts, "ceiling GPUs", before.Ceiling.Gpus, after.Ceiling.Gpus, v => v.ToString(CultureInfo.InvariantCulture));
        Change(parts, "ceiling CPU", before.Ceiling.CpuMillicores, after.Ceiling.CpuMillicores, Units.CoreCount);
        Change(parts, "ceiling memory", before.Ceiling.MemoryMiB, after.Ceiling.MemoryMiB, Units.Memory);
        Change(parts, "fair-share weight", before.FairShareWeight, after.FairShareWeight, Number);
        Change(parts, "max priority", before.MaxPriority, after.MaxPriority, v => v.ToString(CultureInfo.InvariantCulture));
        return parts.Count == 0 ? "No field changes." : string.Join("; ", parts) + ".";
    }

    private static void Change<T>(List<string> parts, string name, T before, T after, Func<T, string> show)
        where T : IEquatable<T>
    {
        if (!before.Equals(after))
        {
            parts.Add($"{name} {show(before)} → {show(after)}");
        }
    }

    private static string Amount(ResourceAmount amount) => $"{Units.Gpus(amount.Gpus)}, {Units.CoreCount(amount.CpuMillicores)}, {Units.Memory(amount.MemoryMiB)}";

    private static string Number(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
