namespace Dashboard.Cli;

/// <summary>
/// Where a command writes: results to <see cref="Out"/>, messages and errors to <see cref="Error"/>. Both show a
/// control character (ESC, BEL, a C1 control, a bidi override) as visible text (<c>\u001b</c>), so nothing a server
/// answers (a job name, a reason, a refusal) can move the cursor, retitle the window, write the clipboard or reorder
/// what is shown. <see cref="Raw"/> is the plain output, for a job's log: its bytes as the job wrote them (colours,
/// progress bars), like <c>cat</c> of the file.
/// </summary>
public sealed class Terminal
{
    public Terminal(TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        Raw = output;
        Out = new VisibleTextWriter(output);
        Error = new VisibleTextWriter(error);
    }

    public TextWriter Out { get; }

    public TextWriter Error { get; }

    public TextWriter Raw { get; }
}
