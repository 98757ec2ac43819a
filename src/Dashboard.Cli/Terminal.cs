namespace Dashboard.Cli;

/// <summary>Where a command writes: results to <see cref="Out"/>, messages and errors to <see cref="Error"/>.</summary>
public sealed record Terminal(TextWriter Out, TextWriter Error);
