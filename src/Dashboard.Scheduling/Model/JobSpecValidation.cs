namespace Dashboard.Scheduling.Model;

/// <summary>A problem with one field of a submission, in words a person can act on.</summary>
public sealed record FieldError(string Field, string Message);

/// <summary>
/// The one set of rules a submission must meet before it reaches the engine. The form, the REST API and the
/// CLI all call this, so the same input gets the same message everywhere. Field names are the API's (camelCase).
/// </summary>
public static class JobSpecValidation
{
    public const int MaxNameLength = 200;
    public const int MaxCommandLength = 10_000;
    public const int MaxGpus = Node.MaxGpusPerNode;
    public const long MaxCpuMillicores = 1_024_000;
    public const long MaxMemoryMiB = 64L * 1024 * 1024;
    public static readonly TimeSpan MaxWalltime = TimeSpan.FromDays(30);
    public const int MinPriority = -1000;
    public const int MaxPriority = 1000;

    public static IReadOnlyList<FieldError> Validate(JobSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var errors = new List<FieldError>();

        Text(errors, "name", spec.Name, MaxNameLength, multiLine: false);
        Text(errors, "owner", spec.Owner, MaxNameLength, multiLine: false);
        Text(errors, "team", spec.Team, MaxNameLength, multiLine: false);
        Text(errors, "command", spec.Command, MaxCommandLength, multiLine: true);

        var request = spec.Request;
        if (request is null)
        {
            errors.Add(new("request", "Resources are required."));
        }
        else
        {
            if (request.Gpus is < 0 or > MaxGpus)
            {
                errors.Add(new("gpus", $"GPUs must be between 0 and {MaxGpus}."));
            }

            if (request.CpuMillicores is <= 0 or > MaxCpuMillicores)
            {
                errors.Add(new("cpu", $"CPU must be more than 0 and at most {Units.Cores(MaxCpuMillicores)} cores."));
            }

            if (request.MemoryMiB is <= 0 or > MaxMemoryMiB)
            {
                errors.Add(new("memory", $"Memory must be more than 0 and at most {Units.Memory(MaxMemoryMiB)}."));
            }

            if (request.GpuModel is { } model && (string.IsNullOrWhiteSpace(model) || model.Length > MaxNameLength))
            {
                errors.Add(new("gpuModel", "GPU model must be empty (any model) or a model name."));
            }
            else if (request.GpuModel is { } named && TextRules.OneLineProblem("GPU model", named) is { } modelProblem)
            {
                errors.Add(new("gpuModel", modelProblem));
            }
            else if (request.GpuModel is not null && request.Gpus == 0)
            {
                errors.Add(new("gpuModel", "A GPU model needs at least one GPU."));
            }

            if (spec.Limits is { CpuMillicores: { } cpuLimit } && cpuLimit < request.CpuMillicores)
            {
                errors.Add(new("cpuLimit", $"CPU limit ({Units.Cores(cpuLimit)} cores) must be at least the request ({Units.Cores(request.CpuMillicores)} cores)."));
            }

            if (spec.Limits is { MemoryMiB: { } memoryLimit } && memoryLimit < request.MemoryMiB)
            {
                errors.Add(new("memoryLimit", $"Memory limit ({Units.Memory(memoryLimit)}) must be at least the request ({Units.Memory(request.MemoryMiB)})."));
            }
        }

        if (spec.Walltime is { } walltime && (walltime <= TimeSpan.Zero || walltime > MaxWalltime))
        {
            errors.Add(new("walltime", $"Walltime must be more than 0 and at most {MaxWalltime.TotalDays:0} days."));
        }

        if (spec.Priority is < MinPriority or > MaxPriority)
        {
            errors.Add(new("priority", $"Priority must be between {MinPriority} and {MaxPriority}."));
        }

        if (spec.Session is { } session)
        {
            Text(errors, "sessionType", session.Type, SessionRequest.MaxTypeLength, multiLine: false);
        }

        return errors;
    }

    private static void Text(List<FieldError> errors, string field, string? value, int maxLength, bool multiLine)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add(new(field, $"{Capitalised(field)} is required."));
        }
        else if (value.Length > maxLength)
        {
            errors.Add(new(field, $"{Capitalised(field)} must be at most {maxLength} characters."));
        }
        else if ((multiLine ? TextRules.MultiLineProblem(Capitalised(field), value) : TextRules.OneLineProblem(Capitalised(field), value)) is { } problem)
        {
            errors.Add(new(field, problem));
        }
    }

    private static string Capitalised(string field) => char.ToUpperInvariant(field[0]) + field[1..];
}
