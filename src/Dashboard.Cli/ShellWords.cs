using System.Text.RegularExpressions;

namespace Dashboard.Cli;

/// <summary>
/// The words after <c>--</c> as one shell command line (the server runs it with <c>sh -c</c>): a word with anything
/// a shell would read specially is single-quoted, so <c>dash submit ... -- python "my script.py"</c> runs that file.
/// A single word is taken as a command line already (<c>-- "python train.py | tee out"</c>).
/// </summary>
public static partial class ShellWords
{
    public static string Join(IReadOnlyList<string> words)
    {
        ArgumentNullException.ThrowIfNull(words);
        return words.Count == 1 ? words[0] : string.Join(' ', words.Select(Quote));
    }

    public static string Quote(string word)
    {
        ArgumentNullException.ThrowIfNull(word);
        return word.Length > 0 && Plain().IsMatch(word) ? word : "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
    }

    [GeneratedRegex(@"^[A-Za-z0-9_@%+=:,./-]+$")]
    private static partial Regex Plain();
}
