using System.Globalization;
using System.Text.RegularExpressions;

namespace Dashboard.Scheduling.Model;

/// <summary>
/// What free text may hold, for every text field people type (job name, team, GPU model, command, display names, token
/// names, reasons). No field takes characters that change how text is shown rather than what it says: control
/// characters (NUL, CR, LF, ESC, ...; Unicode category Cc), invisible format characters (bidi overrides such as
/// U+202E, zero-width characters, the BOM; category Cf), line and paragraph separators (U+2028, U+2029), and lone
/// surrogates. A one-line field takes none of them. A command is a shell script, so it also takes tab, line feed and
/// the CR LF pair a browser's text box sends; a lone CR (which hides what precedes it on a terminal) stays refused.
/// Team names, which appear in paths, URLs, group names and logs, have a strict form: <see cref="TeamNamePattern"/>.
/// </summary>
public static partial class TextRules
{
    public const string TeamNamePattern = @"^[a-z][a-z0-9-]{0,31}\z";

    public const string TeamNameRule = "A team name is 1 to 32 characters: lower-case letters a-z, digits and '-', starting with a letter.";

    /// <summary>The problem with a one-line text, or null when it has none (length and emptiness are the caller's rules).</summary>
    public static string? OneLineProblem(string label, string value) => Problem(label, value, multiLine: false);

    /// <summary>The problem with a multi-line text (a command), or null.</summary>
    public static string? MultiLineProblem(string label, string value) => Problem(label, value, multiLine: true);

    public static bool IsTeamName(string? name) => name is not null && TeamName().IsMatch(name);

    private static string? Problem(string label, string value, bool multiLine)
    {
        ArgumentNullException.ThrowIfNull(value);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
                continue;
            }

            if (multiLine && (c is '\n' or '\t' || (c == '\r' && i + 1 < value.Length && value[i + 1] == '\n')))
            {
                continue;
            }

            if (IsRefused(c))
            {
                var allowed = multiLine ? " (line breaks and tabs are fine)" : "";
                return string.Create(CultureInfo.InvariantCulture,
                    $"{label} must not contain control or invisible formatting characters such as line breaks, NUL or bidi overrides{allowed}; it has U+{(int)c:X4} at position {i + 1}.");
            }
        }

        return null;
    }

    private static bool IsRefused(char c) => char.GetUnicodeCategory(c) switch
    {
        UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator or UnicodeCategory.Surrogate => true,
        _ => false,
    };

    [GeneratedRegex(TeamNamePattern, RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex TeamName();
}
