using System.Globalization;
using System.Text.RegularExpressions;

namespace Dashboard.Cli;

/// <summary>Slurm-like memory sizes: <c>32G</c>, <c>512M</c>, <c>1.5T</c>, <c>64</c> (GiB when no unit), read as GiB.</summary>
public static partial class Sizes
{
    public static bool TryParseGiB(string text, out decimal gib)
    {
        gib = 0;
        var match = Size().Match(text?.Trim() ?? string.Empty);
        if (!match.Success || !decimal.TryParse(match.Groups["n"].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
        {
            return false;
        }

        gib = char.ToUpperInvariant(match.Groups["unit"].Value.FirstOrDefault('G')) switch
        {
            'K' => number / (1024m * 1024m),
            'M' => number / 1024m,
            'T' => number * 1024m,
            _ => number,
        };
        return true;
    }

    /// <summary>GiB as a person reads it: <c>32G</c>, <c>0.5G</c>.</summary>
    public static string Format(decimal gib) => gib.ToString("0.##", CultureInfo.InvariantCulture) + "G";

    [GeneratedRegex(@"^(?<n>\d+(\.\d+)?)\s*(?<unit>[KkMmGgTt])?(i?[Bb])?$")]
    private static partial Regex Size();
}
