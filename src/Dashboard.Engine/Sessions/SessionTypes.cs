using System.Text.RegularExpressions;
using Dashboard.Scheduling.Model;

namespace Dashboard.Engine.Sessions;

/// <summary>The session types offered, from the settings, checked once at start-up (a bad entry stops the start with its reason).</summary>
public sealed partial class SessionTypes
{
    private readonly Dictionary<string, SessionTypeOptions> byName;

    public SessionTypes(SessionSettings options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        byName = new(StringComparer.Ordinal);
        foreach (var type in options.Types)
        {
            if (Problem(type) is { } problem)
            {
                throw new InvalidOperationException($"Sessions:Types: {problem}");
            }

            if (!byName.TryAdd(type.Name, type))
            {
                throw new InvalidOperationException($"Sessions:Types: the name {type.Name} is used twice.");
            }
        }
    }

    public SessionSettings Options { get; }

    public IReadOnlyList<SessionTypeOptions> All => Options.Types;

    public SessionTypeOptions? Find(string? name) => name is not null && byName.TryGetValue(name, out var type) ? type : null;

    /// <summary>The idle policy for a job: its team's, else its session type's, else the batch policy.</summary>
    public IdlePolicyOptions PolicyFor(JobSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (Options.TeamPolicies.TryGetValue(spec.Team, out var team))
        {
            return team;
        }

        return spec.Session is { } session && Find(session.Type) is { } type ? type.Idle : Options.BatchPolicy;
    }

    private static string? Problem(SessionTypeOptions type)
    {
        if (!TypeName().IsMatch(type.Name ?? ""))
        {
            return $"\"{type.Name}\" is not a session type name (lower-case letters, digits and dashes, at most {SessionRequest.MaxTypeLength}).";
        }

        if (string.IsNullOrWhiteSpace(type.Command))
        {
            return $"type {type.Name} has no Command.";
        }

        if (!EnvironmentName().IsMatch(type.PortVariable ?? "") || (type.TokenVariable.Length > 0 && !EnvironmentName().IsMatch(type.TokenVariable)))
        {
            return $"type {type.Name}: PortVariable and TokenVariable must be environment variable names.";
        }

        if (!type.HealthPath.StartsWith('/') && !type.HealthPath.StartsWith("{base}", StringComparison.Ordinal))
        {
            return $"type {type.Name}: HealthPath must start with / or {{base}}.";
        }

        return type.Gpus < 0 || type.CpuCores <= 0 || type.MemoryMiB <= 0 || type.WalltimeHours <= 0
            ? $"type {type.Name}: Gpus must be 0 or more; CpuCores, MemoryMiB and WalltimeHours more than 0."
            : null;
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex TypeName();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex EnvironmentName();
}
