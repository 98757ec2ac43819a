namespace Dashboard.Cli;

/// <summary>
/// Where a command writes: results to <see cref="Out"/>, messages and errors to <see cref="Error"/>. Both show a
/// control character (ESC, BEL, a C1 control, a bidi override) as visible text (<c>\u001b</c>), so nothing a server
/// answers (a job name, a reason, a refusal) can move the cursor, retitle the window, write the clipboard or reorder
/// what is shown. <see cref="Raw"/> is for a job's log: piped, its bytes as the job wrote them; on a terminal
/// (<paramref name="outputIsTerminal"/>), with its colours and progress bars but without the sequences that command
/// the terminal (see <see cref="TerminalLogWriter"/>).
/// </summary>
public sealed class Terminal
{
    public Terminal(TextWriter output, TextWriter error, bool outputIsTerminal = false)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        Raw = outputIsTerminal ? new TerminalLogWriter(output) : output;
        Out = new VisibleTextWriter(output);
        Error = new VisibleTextWriter(error);
    }

    public TextWriter Out { get; }

    public TextWriter Error { get; }

    public TextWriter Raw { get; }
}
