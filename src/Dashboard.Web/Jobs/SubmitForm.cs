using System.Globalization;
using System.Text.RegularExpressions;
using Dashboard.Scheduling.Model;

namespace Dashboard.Web.Jobs;

/// <summary>
/// What the submit form holds, exactly as typed (text, so nothing a person types is lost or rewritten, and a draft
/// survives a reconnect as it was). <see cref="SubmitFormMapping"/> turns it into a <see cref="JobSpec"/>.
/// CPU is in cores (decimals allowed), memory in GiB (decimals allowed); empty limits mean none.
/// </summary>
public sealed partial class SubmitForm
{
    public string Name { get; set; } = string.Empty;

    public string Command { get; set; } = string.Empty;

    public string Team { get; set; } = string.Empty;

    public string Gpus { get; set; } = "1";

    /// <summary>Empty: any model.</summary>
    public string GpuModel { get; set; } = string.Empty;

    public string Cpu { get; set; } = "4";

    public string CpuLimit { get; set; } = string.Empty;

    public string Memory { get; set; } = "16";

    public string MemoryLimit { get; set; } = string.Empty;

    public string Walltime { get; set; } = "1h";

    public string Priority { get; set; } = "0";

    /// <summary>Jobs this one waits for: ids separated by commas (<c>41, 42</c>), each may carry its own rule (<c>42:any</c>); empty: none.</summary>
    public string After { get; set; } = string.Empty;

    /// <summary>The rule for the ids in <see cref="After"/> that name none.</summary>
    public Dashboard.Scheduling.Control.DependencyRule AfterRule { get; set; } = Dashboard.Scheduling.Control.DependencyRule.AfterOk;

    /// <summary>A sweep's grid (<c>lr=[1e-4,3e-4] x seed=[1,2]</c>); empty: a single job.</summary>
    public string SweepGrid { get; set; } = string.Empty;

    /// <summary>The most of the sweep's jobs running at once; empty: no limit.</summary>
    public string SweepMaxRunning { get; set; } = string.Empty;
    /// <summary>The number of the team's advance reservation to run in; empty: none.</summary>
    public string Reservation { get; set; } = string.Empty;

    /// <summary>When this form was last kept as a draft (null: never, e.g. a fresh form); shown when the draft comes back.</summary>
    public DateTimeOffset? DraftSavedAt { get; set; }

    public SubmitForm Copy() => (SubmitForm)MemberwiseClone();

    /// <summary>The form for submitting <paramref name="spec"/> again, its name suffixed ("train" → "train-2", "train-2" → "train-3").</summary>
    public static SubmitForm From(JobSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return new SubmitForm
        {
            Name = NextName(spec.Name),
            Command = spec.Command,
            Team = spec.Team,
            Gpus = spec.Request.Gpus.ToString(CultureInfo.InvariantCulture),
            GpuModel = spec.Request.GpuModel ?? string.Empty,
            Cpu = Units.Cores(spec.Request.CpuMillicores),
            CpuLimit = spec.Limits?.CpuMillicores is { } cpuLimit ? Units.Cores(cpuLimit) : string.Empty,
            Memory = GiB(spec.Request.MemoryMiB),
            MemoryLimit = spec.Limits?.MemoryMiB is { } memoryLimit ? GiB(memoryLimit) : string.Empty,
            Walltime = WalltimeText.Format(spec.Walltime),
            Priority = spec.Priority.ToString(CultureInfo.InvariantCulture),
            Reservation = spec.Reservation?.ToString(CultureInfo.InvariantCulture) ?? string.Empty,
        };
    }

    public static string NextName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return NumberedSuffix().Match(name) is { Success: true } match && int.TryParse(match.Groups["n"].Value, CultureInfo.InvariantCulture, out var n) && n < int.MaxValue
            ? $"{match.Groups["stem"].Value}-{(n + 1).ToString(CultureInfo.InvariantCulture)}"
            : name + "-2";
    }

    private static string GiB(long mib) => (mib / (decimal)Units.MiBPerGiB).ToString("0.###", CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^(?<stem>.+)-(?<n>\d{1,9})$", RegexOptions.CultureInvariant)]
    private static partial Regex NumberedSuffix();
}
