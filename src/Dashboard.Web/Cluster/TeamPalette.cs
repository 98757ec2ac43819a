using System.Collections.Immutable;
using System.Globalization;

namespace Dashboard.Web.Cluster;

/// <summary>
/// A stable colour per team from a colour-blind-safe palette: first the seven colours of Okabe and Ito's palette
/// (told apart with every common colour-vision deficiency; black left out, as it vanishes in the dark theme), then
/// five more chosen to stay at least as far from every other (CIELAB distance under simulated protanopia,
/// deuteranopia and tritanopia; checked in the tests) and of middle lightness, for both themes. A team's colour comes
/// from a hash of its name (FNV-1a, the same in every process), and when two known teams land on the same slot the
/// later one (by name) takes the next free slot, so the teams of one cluster stay distinguishable. Beyond the
/// palette's size colours come from the hash as a hue.
/// </summary>
public static class TeamPalette
{
    public static ImmutableArray<string> Colours { get; } =
    [
        "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
        "#8800EE", "#444422", "#662266", "#AACC88", "#8866EE",
    ];

    public static IReadOnlyDictionary<string, string> Assign(IEnumerable<string> teams)
    {
        ArgumentNullException.ThrowIfNull(teams);
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var taken = new bool[Colours.Length];
        foreach (var team in teams.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            var hash = Hash(team);
            var slot = (int)(hash % (uint)Colours.Length);
            var probes = 0;
            while (taken[slot] && probes < Colours.Length)
            {
                slot = (slot + 1) % Colours.Length;
                probes++;
            }

            if (probes < Colours.Length)
            {
                taken[slot] = true;
                result[team] = Colours[slot];
            }
            else
            {
                result[team] = string.Create(CultureInfo.InvariantCulture, $"hsl({hash % 360}, 60%, 45%)");
            }
        }

        return result;
    }

    private static uint Hash(string text)
    {
        var hash = 2166136261u;
        foreach (var c in text)
        {
            hash = unchecked((hash ^ c) * 16777619u);
        }

        return hash;
    }
}

/// <summary>How a held GPU tile is painted: its team's colour, text that stays readable on it, and stripes when borrowed.</summary>
public static class TileStyle
{
    /// <summary>Diagonal stripes over the team's colour: the legend explains them as borrowed (preemptible) capacity.</summary>
    public const string BorrowedStripes = "background-image: repeating-linear-gradient(135deg, rgba(255, 255, 255, 0.55) 0 3px, transparent 3px 9px)";

    // A palette has a few colours: each style is made once and shared by every tile and circuit that draws it (a
    // circuit keeps the strings of what it drew; at 1,000 nodes one per tile per circuit added up to ~130 KB a circuit).
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(string Colour, bool Borrowed), string> Made = new();

    /// <summary>The inline style of a tile (or swatch) in <paramref name="colour"/>, striped when <paramref name="borrowed"/>.</summary>
    public static string Of(string colour, bool borrowed) =>
        Made.Count < 1_024
            ? Made.GetOrAdd((colour, borrowed), static key => Make(key.Colour, key.Borrowed))
            : Made.TryGetValue((colour, borrowed), out var made) ? made : Make(colour, borrowed);

    private static string Make(string colour, bool borrowed) =>
        $"background-color: {colour}; color: {TextOn(colour)}" + (borrowed ? "; " + BorrowedStripes : string.Empty);

    /// <summary>Black or white, whichever contrasts more with <paramref name="colour"/> (#rrggbb; white for anything else).</summary>
    public static string TextOn(string colour)
    {
        ArgumentNullException.ThrowIfNull(colour);
        if (colour.Length != 7 || colour[0] != '#'
            || !int.TryParse(colour.AsSpan(1), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var rgb))
        {
            return "#fff";
        }

        var luminance = (0.2126 * Linear(rgb >> 16)) + (0.7152 * Linear((rgb >> 8) & 0xff)) + (0.0722 * Linear(rgb & 0xff));
        // WCAG contrast against white is 1.05 / (L + 0.05), against black (L + 0.05) / 0.05: equal at L ~ 0.179.
        return luminance > 0.179 ? "#000" : "#fff";
    }

    private static double Linear(int channel)
    {
        var c = channel / 255.0;
        return c <= 0.03928 ? c / 12.92 : Math.Pow((c + 0.055) / 1.055, 2.4);
    }
}
