using System.Globalization;
using System.Text;

namespace Dashboard.Cli;

/// <summary>
/// A job's log on a terminal: text, colours, cursor moves and carriage returns (progress bars) pass; the string
/// sequences that command the terminal instead of drawing (OSC: clipboard writes, window titles, hyperlinks; DCS,
/// SOS, PM, APC) are dropped whole, even when split between writes, and so are the C1 control characters. A string
/// that never ends hides at most <see cref="MaxCommandLength"/> characters of the log.
/// </summary>
public sealed class TerminalLogWriter(TextWriter inner) : TextWriter(CultureInfo.InvariantCulture)
{
    public const int MaxCommandLength = 4096;

    private const char Escape = '\u001b';
    private const char Bell = '\u0007';
    private const char StringTerminator = '\u009c';

    private State state = State.Text;
    private int dropped;

    private enum State
    {
        Text,
        AfterEscape,
        InCommand,
        EscapeInCommand,
    }

    public override Encoding Encoding => inner.Encoding;

    public override void Write(char value)
    {
        var kept = new StringBuilder(2);
        Filter(value, kept);
        if (kept.Length > 0)
        {
            inner.Write(kept.ToString());
        }
    }

    public override void Write(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return;
        }

        var kept = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            Filter(c, kept);
        }

        inner.Write(kept.ToString());
    }

    public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

    public override Task WriteAsync(string? value)
    {
        Write(value);
        return Task.CompletedTask;
    }

    public override Task WriteAsync(char value)
    {
        Write(value);
        return Task.CompletedTask;
    }

    public override void Flush() => inner.Flush();

    public override Task FlushAsync() => inner.FlushAsync();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    private static bool StartsCommand(char c) => c is ']' or 'P' or 'X' or '^' or '_';

    private static bool StartsC1Command(char c) => c is '\u009d' or '\u0090' or '\u0098' or '\u009e' or '\u009f';

    private void Filter(char c, StringBuilder kept)
    {
        switch (state)
        {
            case State.Text when c == Escape:
                state = State.AfterEscape;
                break;
            case State.Text when StartsC1Command(c):
                Enter();
                break;
            case State.Text when c is >= '\u0080' and <= '\u009f':
                break;
            case State.Text:
                kept.Append(c);
                break;
            case State.AfterEscape when StartsCommand(c):
                Enter();
                break;
            case State.AfterEscape when c == Escape:
                kept.Append(Escape);
                break;
            case State.AfterEscape:
                kept.Append(Escape).Append(c);
                state = State.Text;
                break;
            case State.InCommand or State.EscapeInCommand when c == Bell || c == StringTerminator || (state == State.EscapeInCommand && c == '\\'):
                state = State.Text;
                break;
            case State.InCommand or State.EscapeInCommand:
                state = c == Escape ? State.EscapeInCommand : State.InCommand;
                if (++dropped >= MaxCommandLength)
                {
                    state = State.Text;
                }

                break;
        }
    }

    private void Enter()
    {
        state = State.InCommand;
        dropped = 0;
    }
}
