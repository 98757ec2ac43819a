using System.Collections.Immutable;
using System.Globalization;
using Dashboard.Engine.Feed;
using Dashboard.Engine.Loop;
using Dashboard.Scheduling.Model;

namespace Dashboard.Web.Quotas;

/// <summary>
/// One team's quota as typed on the admin quota page: every field as text, read into a <see cref="TeamQuota"/> by
/// <see cref="Read"/>, which reports every problem by field and builds nothing when there is one. The rules are
/// <see cref="QuotaValidation"/>'s (the one source of truth, also applied by the engine) plus what only the page can
/// know: the text must be a number, and no amount the admin changed may exceed the cluster's capacity.
/// </summary>
public sealed class QuotaForm
{
    public const string Team = QuotaValidation.Team;
    public const string NominalGpus = QuotaValidation.NominalGpus;
    public const string NominalCpu = QuotaValidation.NominalCpu;
    public const string NominalMemory = QuotaValidation.NominalMemory;
    public const string BorrowingLimitGpus = QuotaValidation.BorrowingLimitGpus;
    public const string BorrowingLimitCpu = QuotaValidation.BorrowingLimitCpu;
    public const string BorrowingLimitMemory = QuotaValidation.BorrowingLimitMemory;
    public const string FairShareWeight = QuotaValidation.FairShareWeight;
    public const string MaxPriority = QuotaValidation.MaxPriority;

    /// <summary>
    /// The page's fields in display order: the field (<see cref="QuotaValidation"/>'s name, also the API's), its label,
    /// and the element id it has on the page ("quota-vision-nominal-gpus"), kept stable for scripts and tests.
    /// </summary>
    public static ImmutableArray<(string Field, string Label, string ElementId)> Fields { get; } =
    [
        (NominalGpus, "Nominal GPUs", "nominal-gpus"), (NominalCpu, "Nominal CPU cores", "nominal-cpu"), (NominalMemory, "Nominal memory GiB", "nominal-memory"),
        (BorrowingLimitGpus, "Borrow GPUs", "borrow-gpus"), (BorrowingLimitCpu, "Borrow CPU cores", "borrow-cpu"), (BorrowingLimitMemory, "Borrow memory GiB", "borrow-memory"),
        (FairShareWeight, "Fair-share weight", "weight"), (MaxPriority, "Max priority", "max-priority"),
    ];

    private readonly Dictionary<string, string> values = new(StringComparer.Ordinal);

    private QuotaForm(string team, TeamQuota? origin)
    {
        TeamName = team;
        Origin = origin;
    }

    /// <summary>The team's name; typed by the admin for a new team.</summary>
    public string TeamName { get; set; }

    /// <summary>The quota the form started from (null for a new team).</summary>
    public TeamQuota? Origin { get; private set; }

    public bool IsNew => Origin is null;

    public string this[string field]
    {
        get => values.GetValueOrDefault(field, "");
        set => values[field] = value ?? "";
    }

    /// <summary>True when a field differs from the quota the form started from.</summary>
    public bool IsDirty => Origin is null ? values.Values.Any(v => v.Length > 0) || TeamName.Length > 0 : !Matches(Origin);

    public static QuotaForm For(TeamQuota quota)
    {
        ArgumentNullException.ThrowIfNull(quota);
        var form = new QuotaForm(quota.Team, quota);
        form.Fill(quota);
        return form;
    }

    /// <summary>An empty form for a team that has no quota yet (weight 1, the default maximum priority).</summary>
    public static QuotaForm ForNewTeam()
    {
        var form = new QuotaForm("", null);
        form.Fill(new TeamQuota("", ResourceAmount.Zero, ResourceAmount.Zero));
        return form;
    }

    /// <summary>Starts over from <paramref name="quota"/> (after a save, or when the engine's quota changed and nothing was edited).</summary>
    public void Reset(TeamQuota quota)
    {
        ArgumentNullException.ThrowIfNull(quota);
        Origin = quota;
        TeamName = quota.Team;
        Fill(quota);
    }

    /// <summary>
    /// The quota the fields describe, or the errors by field (and no quota). <paramref name="capacity"/> is the
    /// cluster's (Ready and Draining nodes); <paramref name="existingTeams"/> lets a new team's name be checked.
    /// </summary>
    public QuotaFormResult Read(ClusterSummary? capacity, IEnumerable<string> existingTeams)
    {
        ArgumentNullException.ThrowIfNull(existingTeams);
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        var team = TeamName.Trim();
        if (IsNew && existingTeams.Contains(team, StringComparer.Ordinal))
        {
            errors[Team] = $"Team {team} already has a quota; edit its row instead.";
        }

        var nominalGpus = Whole(errors, NominalGpus, "GPUs");
        var nominalCpu = Scaled(errors, NominalCpu, Units.MillicoresPerCore, "CPU cores");
        var nominalMemory = Scaled(errors, NominalMemory, Units.MiBPerGiB, "Memory (GiB)");
        var borrowGpus = Whole(errors, BorrowingLimitGpus, "GPUs");
        var borrowCpu = Scaled(errors, BorrowingLimitCpu, Units.MillicoresPerCore, "CPU cores");
        var borrowMemory = Scaled(errors, BorrowingLimitMemory, Units.MiBPerGiB, "Memory (GiB)");
        var weight = Number(errors, FairShareWeight, "Fair-share weight");
        var maxPriority = Whole(errors, MaxPriority, "Maximum priority", allowNegative: true);

        var quota = new TeamQuota(
            team,
            new ResourceAmount(nominalGpus, nominalCpu, nominalMemory),
            new ResourceAmount(borrowGpus, borrowCpu, borrowMemory),
            weight,
            maxPriority);
        foreach (var error in QuotaValidation.Validate(quota))
        {
            errors.TryAdd(error.Field, error.Message);
        }

        // Only values the admin changed are held against the capacity: a quota set when more nodes were up stays
        // editable field by field (the engine admits nothing beyond what the nodes hold anyway).
        if (capacity is not null)
        {
            var before = Origin;
            Capacity(errors, NominalGpus, nominalGpus, before?.Nominal.Gpus, capacity.GpusTotal, v => Units.Gpus(v));
            Capacity(errors, BorrowingLimitGpus, borrowGpus, before?.BorrowingLimit.Gpus, capacity.GpusTotal, v => Units.Gpus(v));
            Capacity(errors, NominalCpu, nominalCpu, before?.Nominal.CpuMillicores, capacity.CpuMillicoresTotal, Units.CoreCount);
            Capacity(errors, BorrowingLimitCpu, borrowCpu, before?.BorrowingLimit.CpuMillicores, capacity.CpuMillicoresTotal, Units.CoreCount);
            Capacity(errors, NominalMemory, nominalMemory, before?.Nominal.MemoryMiB, capacity.MemoryMiBTotal, Units.Memory);
            Capacity(errors, BorrowingLimitMemory, borrowMemory, before?.BorrowingLimit.MemoryMiB, capacity.MemoryMiBTotal, Units.Memory);
        }

        return errors.Count > 0 ? new QuotaFormResult(null, errors.ToImmutableDictionary()) : new QuotaFormResult(quota, ImmutableDictionary<string, string>.Empty);
    }

    /// <summary>The engine's refusal of a quota, by this form's field names.</summary>
    public static ImmutableDictionary<string, string> ErrorsOf(CommandResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.Errors
            .GroupBy(e => e.Field, StringComparer.Ordinal)
            .ToImmutableDictionary(g => g.Key, g => g.First().Message, StringComparer.Ordinal);
    }

    private void Fill(TeamQuota quota)
    {
        values[NominalGpus] = Text(quota.Nominal.Gpus);
        values[NominalCpu] = Units.Cores(quota.Nominal.CpuMillicores);
        values[NominalMemory] = GiB(quota.Nominal.MemoryMiB);
        values[BorrowingLimitGpus] = Text(quota.BorrowingLimit.Gpus);
        values[BorrowingLimitCpu] = Units.Cores(quota.BorrowingLimit.CpuMillicores);
        values[BorrowingLimitMemory] = GiB(quota.BorrowingLimit.MemoryMiB);
        values[FairShareWeight] = quota.FairShareWeight.ToString("0.###", CultureInfo.InvariantCulture);
        values[MaxPriority] = Text(quota.MaxPriority);
    }

    private bool Matches(TeamQuota quota)
    {
        var copy = For(quota);
        return copy.values.All(kv => string.Equals(this[kv.Key].Trim(), kv.Value, StringComparison.Ordinal));
    }

    private int Whole(Dictionary<string, string> errors, string field, string what, bool allowNegative = false)
    {
        var text = this[field].Trim();
        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            errors[field] = $"{what} must be a whole number.";
            return 0;
        }

        if (!allowNegative && value < 0)
        {
            errors[field] = $"{what} must not be negative.";
        }

        return value;
    }

    private long Scaled(Dictionary<string, string> errors, string field, long unit, string what)
    {
        var value = Number(errors, field, what);
        if (errors.ContainsKey(field))
        {
            return 0;
        }

        if (value < 0)
        {
            errors[field] = $"{what} must not be negative.";
            return 0;
        }

        if (value * unit > long.MaxValue / 2)
        {
            errors[field] = $"{what} is far too large.";
            return 0;
        }

        return (long)Math.Round(value * unit);
    }

    private double Number(Dictionary<string, string> errors, string field, string what)
    {
        var text = this[field].Trim();
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
        {
            errors[field] = $"{what} must be a number.";
            return 0;
        }

        return value;
    }

    private static void Capacity(Dictionary<string, string> errors, string field, long value, long? unchanged, long total, Func<long, string> show)
    {
        if (value > total && value != unchanged && !errors.ContainsKey(field))
        {
            errors[field] = $"{show(value)} is more than the cluster has ({show(total)}).";
        }
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string GiB(long mib) => (mib / (double)Units.MiBPerGiB).ToString("0.###", CultureInfo.InvariantCulture);
}

/// <summary>What <see cref="QuotaForm.Read"/> made of the fields: a quota to send, or errors by field (never both).</summary>
public sealed record QuotaFormResult(TeamQuota? Quota, ImmutableDictionary<string, string> Errors)
{
    public bool IsValid => Quota is not null;
}
