using System.Collections.Immutable;
using System.Globalization;
using Dashboard.Scheduling.Model;

namespace Dashboard.Web.Jobs;

/// <summary>The form's fields, named as <see cref="JobSpecValidation"/> names them (camelCase), so its messages land under the right field.</summary>
public static class SubmitField
{
    public const string Name = "name";
    public const string Command = "command";
    public const string Team = "team";
    public const string Gpus = "gpus";
    public const string GpuModel = "gpuModel";
    public const string Cpu = "cpu";
    public const string CpuLimit = "cpuLimit";
    public const string Memory = "memory";
    public const string MemoryLimit = "memoryLimit";
    public const string Walltime = "walltime";
    public const string Priority = "priority";
    public const string Reservation = "reservation";

    public static readonly ImmutableArray<string> All = [Name, Command, Team, Gpus, GpuModel, Cpu, CpuLimit, Memory, MemoryLimit, Walltime, Priority, Reservation];

    /// <summary>The label a person sees, for "fix: GPUs, CPU request".</summary>
    public static string Label(string field) => field switch
    {
        Name => "name",
        Command => "command",
        Team => "team",
        Gpus => "GPUs",
        GpuModel => "GPU model",
        Cpu => "CPU request",
        CpuLimit => "CPU limit",
        Memory => "memory request",
        MemoryLimit => "memory limit",
        Walltime => "walltime",
        Priority => "priority",
        Reservation => "reservation",
        _ => field,
    };
}

/// <summary>
/// The outcome of reading the form: a spec when every field reads and the spec passes validation, and the messages
/// by field otherwise. <see cref="FormErrors"/> are those that belong to no field (e.g. the owner).
/// </summary>
public sealed record SubmitFormReading(JobSpec? Spec, ImmutableDictionary<string, string> FieldErrors, ImmutableArray<string> FormErrors)
{
    public bool IsValid => Spec is not null;

    public string? ErrorOf(string field) => FieldErrors.GetValueOrDefault(field);
}

/// <summary>
/// Reads a <see cref="SubmitForm"/> into a <see cref="JobSpec"/>. Only the reading of text is checked here ("not a
/// number"); every rule about the values is <see cref="JobSpecValidation.Validate"/>'s, the one the engine applies.
/// </summary>
public static class SubmitFormMapping
{
    /// <summary>
    /// Reads <paramref name="form"/> as submitted by <paramref name="owner"/>. <paramref name="unreadable"/> are fields
    /// the caller could not even read as text (the REST API: a JSON value of the wrong type), with their messages: each
    /// keeps its message, its text is not read, and rules that depend on it are not judged (as for a field that does
    /// not parse here).
    /// </summary>
    public static SubmitFormReading Read(SubmitForm form, string owner, IReadOnlyDictionary<string, string>? unreadable = null)
    {
        ArgumentNullException.ThrowIfNull(form);
        var parsing = new Dictionary<string, string>(StringComparer.Ordinal);
        var gpus = WholeNumber(parsing, SubmitField.Gpus, form.Gpus, "GPUs", emptyAs: 0);
        var priority = WholeNumber(parsing, SubmitField.Priority, form.Priority, "Priority", emptyAs: 0);
        var cpu = Scaled(parsing, SubmitField.Cpu, form.Cpu, "CPU", "cores", Units.MillicoresPerCore, required: true);
        var cpuLimit = Scaled(parsing, SubmitField.CpuLimit, form.CpuLimit, "CPU limit", "cores", Units.MillicoresPerCore, required: false);
        var memory = Scaled(parsing, SubmitField.Memory, form.Memory, "Memory", "GiB", Units.MiBPerGiB, required: true);
        var memoryLimit = Scaled(parsing, SubmitField.MemoryLimit, form.MemoryLimit, "Memory limit", "GiB", Units.MiBPerGiB, required: false);
        var reservation = ReservationNumber(parsing, form.Reservation);
        if (!WalltimeText.TryParse(form.Walltime, out var walltime))
        {
            parsing[SubmitField.Walltime] = $"Walltime must be a duration ({WalltimeText.Hint}).";
        }

        foreach (var (field, message) in unreadable ?? ImmutableDictionary<string, string>.Empty)
        {
            parsing[field] = message;
        }

        var spec = new JobSpec(
            form.Name.Trim(),
            owner,
            form.Team,
            form.Command,
            new ResourceRequest(gpus ?? 0, cpu ?? 1, memory ?? 1, string.IsNullOrWhiteSpace(form.GpuModel) ? null : form.GpuModel),
            cpuLimit is null && memoryLimit is null ? null : new ResourceLimits(cpuLimit, memoryLimit),
            walltime,
            priority ?? 0,
            Reservation: reservation);

        // The rules themselves are validation's; a field that did not read keeps its reading message.
        var fieldErrors = new Dictionary<string, string>(parsing, StringComparer.Ordinal);
        var formErrors = ImmutableArray.CreateBuilder<string>();
        foreach (var error in JobSpecValidation.Validate(spec))
        {
            if (parsing.ContainsKey(DependsOn(error.Field)))
            {
                // Judged against a stand-in for a field that did not read: that field's own message says enough.
                continue;
            }

            if (SubmitField.All.Contains(error.Field))
            {
                fieldErrors.TryAdd(error.Field, error.Message);
            }
            else if (!(error.Field == "request" && parsing.Count > 0))
            {
                formErrors.Add(error.Message);
            }
        }

        return fieldErrors.Count == 0 && formErrors.Count == 0
            ? new SubmitFormReading(spec, ImmutableDictionary<string, string>.Empty, [])
            : new SubmitFormReading(null, fieldErrors.ToImmutableDictionary(StringComparer.Ordinal), formErrors.ToImmutable());
    }

    /// <summary>
    /// The spec the what-if panel asks about: the form's request, team, walltime and priority when those read and
    /// pass validation, whatever the name and command say (they do not change where or when a job runs).
    /// </summary>
    public static JobSpec? ReadForWhatIf(SubmitForm form, string owner)
    {
        ArgumentNullException.ThrowIfNull(form);
        var schedulingOnly = form.Copy();
        schedulingOnly.Name = "what-if";
        schedulingOnly.Command = "what-if";
        return Read(schedulingOnly, string.IsNullOrWhiteSpace(owner) ? "what-if" : owner).Spec;
    }

    private static string DependsOn(string field) => field switch
    {
        SubmitField.CpuLimit => SubmitField.Cpu,
        SubmitField.MemoryLimit => SubmitField.Memory,
        SubmitField.GpuModel => SubmitField.Gpus,
        _ => field,
    };

    /// <summary>Empty: no reservation; otherwise a reservation's number (its id, as <c>GET /api/v1/reservations</c> lists it).</summary>
    private static long? ReservationNumber(Dictionary<string, string> errors, string? text)
    {
        var trimmed = text?.Trim() ?? string.Empty;
        if (trimmed.Length == 0)
        {
            return null;
        }

        if (long.TryParse(trimmed, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0)
        {
            return id;
        }

        errors[SubmitField.Reservation] = "Reservation must be a reservation's number (e.g. 3), or empty for none.";
        return null;
    }

    private static int? WholeNumber(Dictionary<string, string> errors, string field, string? text, string label, int emptyAs)
    {
        var trimmed = text?.Trim() ?? string.Empty;
        if (trimmed.Length == 0)
        {
            return emptyAs;
        }

        if (int.TryParse(trimmed, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        errors[field] = $"{label} must be a whole number.";
        return null;
    }

    /// <summary>A decimal amount in <paramref name="unit"/> (cores, GiB) as whole smaller units (millicores, MiB).</summary>
    private static long? Scaled(Dictionary<string, string> errors, string field, string? text, string label, string unit, long factor, bool required)
    {
        var trimmed = text?.Trim() ?? string.Empty;
        if (trimmed.Length == 0)
        {
            if (required)
            {
                errors[field] = $"{label} is required (in {unit}).";
            }

            return null;
        }

        if (!decimal.TryParse(trimmed, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var amount))
        {
            errors[field] = $"{label} must be a number of {unit}, e.g. 2 or 0.5.";
            return null;
        }

        // Compared before multiplying: a decimal near its own limit (7.9e28) would overflow when scaled.
        if (Math.Abs(amount) > long.MaxValue / 2 / factor)
        {
            errors[field] = $"{label} is far too large.";
            return null;
        }

        var scaled = amount * factor;
        if (scaled > long.MaxValue / 2 || scaled < long.MinValue / 2)
        {
            errors[field] = $"{label} is far too large.";
            return null;
        }

        return (long)Math.Round(scaled, MidpointRounding.AwayFromZero);
    }
}
