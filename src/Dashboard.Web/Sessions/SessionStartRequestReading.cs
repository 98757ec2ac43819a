using Dashboard.Engine.Sessions;
using Dashboard.Scheduling.Model;
using Dashboard.Web.Jobs;

namespace Dashboard.Web.Sessions;

/// <summary>
/// What a person asks for when starting a session (the New session form, <c>POST /api/v1/sessions</c>, <c>dash session
/// start</c>): a type, a team, and optionally GPUs and a walltime instead of the type's defaults.
/// </summary>
public sealed record SessionStartInput(string? Type, string? Team, int? Gpus, string? Walltime, string? Command = null);

/// <summary>Turns <see cref="SessionStartInput"/> into the session's job, or into messages per field.</summary>
public static class SessionStartRequestReading
{
    public static (JobSpec? Spec, SessionTypeOptions? Type, IReadOnlyDictionary<string, string> Errors) Read(SessionTypes types, SessionStartInput input, string owner)
    {
        ArgumentNullException.ThrowIfNull(types);
        ArgumentNullException.ThrowIfNull(input);
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        var type = types.Find(input.Type);
        if (type is null)
        {
            errors["type"] = types.All.Count == 0
                ? "No session types are offered on this dashboard."
                : $"Choose a session type: {string.Join(", ", types.All.Select(t => t.Name))}.";
        }

        if (string.IsNullOrWhiteSpace(input.Team))
        {
            errors["team"] = "Team is required.";
        }

        if (input.Gpus is < 0 or > JobSpecValidation.MaxGpus)
        {
            errors["gpus"] = $"GPUs must be between 0 and {JobSpecValidation.MaxGpus}.";
        }

        if (!string.IsNullOrWhiteSpace(input.Command) && type is { CommandFromUser: false })
        {
            errors["command"] = $"Sessions of type {type.Name} run their own command; leave the command empty.";
        }

        TimeSpan? walltime = null;
        if (!string.IsNullOrWhiteSpace(input.Walltime) && !WalltimeText.TryParse(input.Walltime, out walltime))
        {
            errors["walltime"] = "Walltime must look like 2h, 90m or 1h30m.";
        }

        if (errors.Count > 0 || type is null)
        {
            return (null, type, errors);
        }

        var spec = new JobSpec(
            $"{type.Name} session",
            owner,
            input.Team!.Trim(),
            string.IsNullOrWhiteSpace(input.Command) ? type.Command : input.Command,
            new ResourceRequest(input.Gpus ?? type.Gpus, (long)Math.Round(type.CpuCores * Units.MillicoresPerCore), type.MemoryMiB),
            Walltime: walltime ?? TimeSpan.FromHours(type.WalltimeHours),
            Session: new SessionRequest(type.Name));
        foreach (var error in JobSpecValidation.Validate(spec))
        {
            errors.TryAdd(error.Field, error.Message);
        }

        return errors.Count > 0 ? (null, type, errors) : (spec, type, errors);
    }
}
