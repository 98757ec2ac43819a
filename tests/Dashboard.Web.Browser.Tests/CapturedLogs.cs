using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Dashboard.Web.Browser.Tests;

/// <summary>One log call as a provider receives it: the formatted message, its structured values, its scopes, its exception.</summary>
public sealed record CapturedLog(string Category, LogLevel Level, string Message, string Values, string Scopes, string? Exception)
{
    /// <summary>Everything of the entry that could end up in a log sink, as one text.</summary>
    public string AllText => string.Join('\n', Category, Message, Values, Scopes, Exception ?? string.Empty);
}

/// <summary>
/// A logger provider that keeps every entry, at every level (Trace included, whatever appsettings.json says for other
/// providers), with its message, structured values and scopes: what any sink could be configured to write.
/// </summary>
public sealed class CapturedLogs : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<CapturedLog> entries = new();
    private IExternalScopeProvider scopes = new LoggerExternalScopeProvider();

    public IReadOnlyList<CapturedLog> Entries => [.. entries];

    /// <summary>Adds this provider to a host's logging, receiving every level from every category.</summary>
    public void AddTo(IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton<ILoggerProvider>(this);
        services.Configure<LoggerFilterOptions>(options => options.Rules.Add(new LoggerFilterRule(typeof(CapturedLogs).FullName, null, LogLevel.Trace, null)));
    }

    public ILogger CreateLogger(string categoryName) => new CapturingLogger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => scopes = scopeProvider;

    public void Dispose()
    {
    }

    private static string Describe(object? state) => state switch
    {
        null => string.Empty,
        IEnumerable<KeyValuePair<string, object?>> values => string.Join("; ", values.Select(v => $"{v.Key}={Convert.ToString(v.Value, CultureInfo.InvariantCulture)}")) + " | " + state,
        _ => state.ToString() ?? string.Empty,
    };

    private sealed class CapturingLogger(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => owner.scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            ArgumentNullException.ThrowIfNull(formatter);
            var scopeText = new StringBuilder();
            owner.scopes.ForEachScope((scope, text) => text.Append(Describe(scope)).Append(" => "), scopeText);
            owner.entries.Enqueue(new CapturedLog(category, logLevel, formatter(state, exception), Describe(state), scopeText.ToString(), exception?.ToString()));
        }
    }
}
