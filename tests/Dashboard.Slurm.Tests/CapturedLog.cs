using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Dashboard.Slurm.Tests;

/// <summary>Every entry the dashboard logs at Information or above (category, level, message), for tests that assert what it did not do.</summary>
public sealed class CapturedLog : ILoggerProvider
{
    private readonly ConcurrentQueue<CapturedEntry> entries = new();

    public IReadOnlyList<CapturedEntry> Entries => [.. entries];

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, entries);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<CapturedEntry> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            ArgumentNullException.ThrowIfNull(formatter);
            if (IsEnabled(logLevel))
            {
                entries.Enqueue(new CapturedEntry(category, logLevel, formatter(state, exception)));
            }
        }
    }
}

public sealed record CapturedEntry(string Category, LogLevel Level, string Message);
