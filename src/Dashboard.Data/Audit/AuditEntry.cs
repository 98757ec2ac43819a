namespace Dashboard.Data.Audit;

/// <summary>
/// Who changed what: <see cref="Actor"/> did <see cref="Action"/> (e.g. "quota.set") to <see cref="Target"/>
/// (e.g. "team:vision"); the target's state before and after as JSON (null where there was none).
/// </summary>
public sealed record AuditEntry(
    DateTimeOffset At,
    string Actor,
    string Action,
    string Target,
    string? BeforeJson,
    string? AfterJson);
