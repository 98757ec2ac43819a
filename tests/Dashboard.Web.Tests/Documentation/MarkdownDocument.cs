using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Dashboard.Web.Tests.Documentation;

/// <summary>
/// One markdown file as the checks need it: its relative links (outside code) and the anchors its headings get on
/// GitHub (lower case, punctuation dropped, spaces as hyphens, repeats numbered).
/// </summary>
internal sealed partial class MarkdownDocument
{
    private MarkdownDocument(string path, string text)
    {
        Path = path;
        Text = text;
        var prose = InlineCode().Replace(FencedCode().Replace(text, string.Empty), string.Empty);
        Links = [.. Link().Matches(prose).Select(m => m.Groups["target"].Value).Where(IsRelative)];
        Anchors = AnchorsOf(FencedCode().Replace(text, string.Empty));
    }

    public string Path { get; }

    public string Text { get; }

    /// <summary>Every link target that is not a web address: a file path, a path with <c>#anchor</c>, or <c>#anchor</c>.</summary>
    public IReadOnlyList<string> Links { get; }

    public IReadOnlySet<string> Anchors { get; }

    public static MarkdownDocument Read(string path) => new(path, File.ReadAllText(path));

    private static bool IsRelative(string target) =>
        !target.Contains("://", StringComparison.Ordinal) && !target.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase);

    private static HashSet<string> AnchorsOf(string text)
    {
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match heading in Heading().Matches(text))
        {
            var slug = Slug(heading.Groups["title"].Value);
            var unique = slug;
            for (var n = 1; !anchors.Add(unique); n++)
            {
                unique = string.Create(CultureInfo.InvariantCulture, $"{slug}-{n}");
            }
        }

        return anchors;
    }

    private static string Slug(string title)
    {
        var slug = new StringBuilder();
        foreach (var c in title.Trim().ToLowerInvariant())
        {
            if (char.IsLetterOrDigit(c) || c is '-' or '_')
            {
                slug.Append(c);
            }
            else if (c == ' ')
            {
                slug.Append('-');
            }
        }

        return slug.ToString();
    }

    [GeneratedRegex(@"^```.*?^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex FencedCode();

    [GeneratedRegex(@"`[^`\n]*`")]
    private static partial Regex InlineCode();

    [GeneratedRegex(@"!?\[[^\]\n]*\]\((?<target>[^)\s]+)(?:\s+""[^""]*"")?\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"^#{1,6}[ \t]+(?<title>.+?)[ \t]*#*[ \t]*$", RegexOptions.Multiline)]
    private static partial Regex Heading();
}
