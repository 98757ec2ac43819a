using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Dashboard.Web.Jobs;

/// <summary>
/// Walltimes as people type them: "2h30m", "90m", "1d 12h", "1:30" (hours:minutes); empty means no walltime.
/// </summary>
public static partial class WalltimeText
{
    public const string Hint = "e.g. 2h30m, 45m, 1d 12h or 1:30; empty: no limit";

    /// <summary>True with the duration (null: no walltime) when <paramref name="text"/> reads as one.</summary>
    public static bool TryParse(string? text, out TimeSpan? walltime)
    {
        walltime = null;
        var trimmed = text?.Trim() ?? string.Empty;
        if (trimmed.Length == 0)
        {
            return true;
        }

        if (HoursMinutes().Match(trimmed) is { Success: true } clock)
        {
            var minutes = int.Parse(clock.Groups["m"].Value, CultureInfo.InvariantCulture);
            if (minutes >= 60)
            {
                return false;
            }

            walltime = TimeSpan.FromHours(long.Parse(clock.Groups["h"].Value, CultureInfo.InvariantCulture)) + TimeSpan.FromMinutes(minutes);
            return true;
        }

        var parts = Units().Matches(trimmed.ToLowerInvariant().Replace(" ", string.Empty, StringComparison.Ordinal));
        if (parts.Count == 0 || parts.Sum(p => p.Length) != trimmed.Replace(" ", string.Empty, StringComparison.Ordinal).Length)
        {
            return false;
        }

        var total = TimeSpan.Zero;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match part in parts)
        {
            var unit = part.Groups["unit"].Value;
            if (!seen.Add(unit) || !double.TryParse(part.Groups["n"].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var amount) || amount > 100_000)
            {
                return false;
            }

            total += unit switch
            {
                "d" => TimeSpan.FromDays(amount),
                "h" => TimeSpan.FromHours(amount),
                "m" => TimeSpan.FromMinutes(amount),
                _ => TimeSpan.FromSeconds(amount),
            };
        }

        walltime = total;
        return true;
    }

    /// <summary>"2h30m", "1d12h", "45m": the shortest text <see cref="TryParse"/> reads back as the same duration.</summary>
    public static string Format(TimeSpan? walltime)
    {
        if (walltime is not { } value)
        {
            return string.Empty;
        }

        var text = new StringBuilder();
        if (value.Days > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"{value.Days}d");
        }

        if (value.Hours > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"{value.Hours}h");
        }

        if (value.Minutes > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"{value.Minutes}m");
        }

        if (value.Seconds > 0 || text.Length == 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"{value.Seconds}s");
        }

        return text.ToString();
    }

    [GeneratedRegex(@"^(?<h>\d{1,6}):(?<m>\d{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex HoursMinutes();

    [GeneratedRegex(@"(?<n>\d+(\.\d+)?)(?<unit>[dhms])", RegexOptions.CultureInvariant)]
    private static partial Regex Units();
}
