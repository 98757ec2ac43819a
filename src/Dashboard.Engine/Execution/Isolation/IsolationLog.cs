using Microsoft.Extensions.Logging;

namespace Dashboard.Engine.Execution.Isolation;

/// <summary>The start-up line that states the isolation local jobs get.</summary>
public static partial class IsolationLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Local job isolation: {Mode}. {Description}")]
    public static partial void InForce(ILogger logger, IsolationMode mode, string description);
}
