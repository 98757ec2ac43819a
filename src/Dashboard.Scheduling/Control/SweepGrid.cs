using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Dashboard.Scheduling.Model;

namespace Dashboard.Scheduling.Control;

/// <summary>One job of a sweep: its index and its values, in the grid's parameter order.</summary>
public sealed record SweepPoint(int Index, ImmutableArray<(string Name, string Value)> Values)
{
    /// <summary>The environment variable a parameter's value is in: its name in capitals (<c>lr</c> is <c>LR</c>).</summary>
    public static string VariableOf(string name) => (name ?? string.Empty).ToUpperInvariant();

    /// <summary>"lr=1e-4 seed=1".</summary>
    public string Describe() => string.Join(" ", Values.Select(v => $"{v.Name}={v.Value}"));

    /// <summary>
    /// The job of <paramref name="spec"/> at this point of sweep <paramref name="sweep"/>: its name gets the index
    /// (<c>train[3]</c>) and its command runs with the values in environment variables, plus <c>DASH_SWEEP_ID</c> and
    /// <c>DASH_SWEEP_INDEX</c>.
    /// </summary>
    public JobSpec Apply(JobSpec spec, long sweep)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var exports = new StringBuilder();
        exports.Append(CultureInfo.InvariantCulture, $"export DASH_SWEEP_ID={sweep} DASH_SWEEP_INDEX={Index}");
        foreach (var (name, value) in Values)
        {
            exports.Append(CultureInfo.InvariantCulture, $" {VariableOf(name)}='{value}'");
        }

        return spec with { Name = $"{spec.Name}[{Index}]", Command = exports + "; " + spec.Command };
    }
}

/// <summary>
/// A sweep's parameter grid as a person writes it: parameters joined by <c>x</c> (or <c>;</c>), each <c>name=[v1,v2]</c>
/// or <c>name=v1,v2</c>; the jobs are every combination, the last parameter changing fastest:
/// <c>lr=[1e-4,3e-4,1e-3] x seed=[1,2]</c> makes 6 jobs.
/// </summary>
public static partial class SweepGrid
{
    /// <summary>The most jobs one sweep makes.</summary>
    public const int MaxJobs = 1000;

    public const int MaxValueLength = 200;

    /// <summary>The sweep's jobs, or an empty list with <paramref name="error"/> saying what is wrong.</summary>
    public static ImmutableArray<SweepPoint> Parse(string? text, out string? error)
    {
        error = null;
        var parameters = new List<(string Name, string[] Values)>();
        var parts = Separator().Split(text ?? string.Empty).Select(p => p.Trim()).Where(p => p.Length > 0).ToList();
        if (parts.Count == 0)
        {
            error = "the sweep names no parameter: write e.g. lr=[1e-4,3e-4] x seed=[1,2]";
            return [];
        }

        foreach (var part in parts)
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? part : part[..equals].Trim();
            if (equals < 0 || !ParameterName().IsMatch(name))
            {
                error = $"\"{part}\" is not a parameter: write name=[value,value] with a name of letters, digits and _";
                return [];
            }

            if (parameters.Any(p => string.Equals(SweepPoint.VariableOf(p.Name), SweepPoint.VariableOf(name), StringComparison.Ordinal)))
            {
                error = $"parameter {name} is named twice";
                return [];
            }

            var list = part[(equals + 1)..].Trim();
            if (list.StartsWith('[') && list.EndsWith(']'))
            {
                list = list[1..^1];
            }

            var values = list.Split(',', StringSplitOptions.TrimEntries);
            foreach (var value in values)
            {
                if (value.Length == 0 || value.Length > MaxValueLength || !Value().IsMatch(value))
                {
                    error = $"\"{value}\" is not a value of {name}: values are 1-{MaxValueLength} characters without spaces, quotes, commas or shell characters";
                    return [];
                }
            }

            parameters.Add((name, values));
        }

        long count = 1;
        foreach (var (_, values) in parameters)
        {
            count *= values.Length;
            if (count > MaxJobs)
            {
                error = $"the sweep would make more than {MaxJobs} jobs";
                return [];
            }
        }

        var points = ImmutableArray.CreateBuilder<SweepPoint>((int)count);
        for (var index = 0; index < count; index++)
        {
            var rest = index;
            var chosen = new (string, string)[parameters.Count];
            for (var p = parameters.Count - 1; p >= 0; p--)
            {
                var values = parameters[p].Values;
                chosen[p] = (parameters[p].Name, values[rest % values.Length]);
                rest /= values.Length;
            }

            points.Add(new SweepPoint(index, [.. chosen]));
        }

        return points.MoveToImmutable();
    }

    [GeneratedRegex(@"\s+x\s+|;", RegexOptions.CultureInvariant)]
    private static partial Regex Separator();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex ParameterName();

    [GeneratedRegex(@"^[A-Za-z0-9_.+\-:/@%]+$", RegexOptions.CultureInvariant)]
    private static partial Regex Value();
}
