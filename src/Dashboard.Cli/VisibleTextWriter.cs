using System.Globalization;
using System.Text;

namespace Dashboard.Cli;

/// <summary>
/// Writes text with every character that a terminal would act on instead of showing, except line feed and tab,
/// replaced by its escape as C# writes it (<c>\u001b</c>): C0 and C1 controls, DEL, and the bidi controls. A CR
/// LF pair within one write is a line end.
/// </summary>
public sealed class VisibleTextWriter(TextWriter inner) : TextWriter(CultureInfo.InvariantCulture)
{
    public override Encoding Encoding => inner.Encoding;

    [System.Diagnostics.CodeAnalysis.AllowNull]
    public override string NewLine
    {
        get => inner.NewLine;
        set => inner.NewLine = value;
    }

    public static bool ActsOnTerminal(char c) =>
        (char.IsControl(c) && c is not '\n' and not '\t')
        || c is '\u061c' or '\u200e' or '\u200f' or (>= '\u202a' and <= '\u202e') or (>= '\u2066' and <= '\u2069');

    public static string Visible(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!text.Any(ActsOnTerminal))
        {
            return text;
        }

        var visible = new StringBuilder(text.Length + 16);
        for (var i = 0; i < text.Length; i++)
        {
            // A CR LF line end (a command typed in a browser's text box) is a line end.
            if (text[i] != '\r' || i + 1 >= text.Length || text[i + 1] != '\n')
            {
                Append(visible, text[i]);
            }
        }

        return visible.ToString();
    }

    public override void Write(char value)
    {
        if (ActsOnTerminal(value))
        {
            inner.Write(Escape(value));
        }
        else
        {
            inner.Write(value);
        }
    }

    public override void Write(string? value)
    {
        if (value is not null)
        {
            inner.Write(Visible(value));
        }
    }

    public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

    public override void WriteLine(string? value)
    {
        Write(value);
        inner.WriteLine();
    }

    public override Task WriteAsync(char value) => inner.WriteAsync(ActsOnTerminal(value) ? Escape(value) : value.ToString());

    public override Task WriteAsync(string? value) => value is null ? Task.CompletedTask : inner.WriteAsync(Visible(value));

    public override Task WriteLineAsync(string? value) => inner.WriteLineAsync(value is null ? null : Visible(value));

    public override Task WriteLineAsync() => inner.WriteLineAsync();

    public override void Flush() => inner.Flush();

    public override Task FlushAsync() => inner.FlushAsync();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    private static void Append(StringBuilder text, char c)
    {
        if (ActsOnTerminal(c))
        {
            text.Append(Escape(c));
        }
        else
        {
            text.Append(c);
        }
    }

    private static string Escape(char c) => string.Create(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
}
