using System.Text;

namespace Dashboard.Cli;

/// <summary>Plain columns separated by two spaces, each as wide as its widest cell (like squeue's output).</summary>
public static class TextTable
{
    public static string Render(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        ArgumentNullException.ThrowIfNull(header);
        List<IReadOnlyList<string>> all = [header, .. rows];
        var widths = Enumerable.Range(0, header.Count).Select(c => all.Max(r => r[c].Length)).ToArray();
        var text = new StringBuilder();
        foreach (var row in all)
        {
            text.AppendJoin("  ", row.Select((cell, c) => c == row.Count - 1 ? cell : cell.PadRight(widths[c]))).Append('\n');
        }

        return text.ToString();
    }
}
