namespace Dashboard.Data.Audit;

/// <summary>
/// Which audit entries to read: every filter that is set must match. <see cref="Actor"/> is exact;
/// <see cref="Action"/> ending in '.' (e.g. "job.") is a prefix, otherwise it matches itself and its sub-actions
/// ("job" finds "job.submit"); <see cref="Target"/> matches anywhere in the target, ignoring ASCII case;
/// <see cref="From"/> is inclusive and <see cref="To"/> exclusive. Every filter is matched literally ('%' and '_' are plain characters).
/// </summary>
public sealed record AuditQuery(
    string? Actor = null,
    string? Action = null,
    string? Target = null,
    DateTimeOffset? From = null,
    DateTimeOffset? To = null)
{
    public static AuditQuery All { get; } = new();
}

/// <summary>One page of matching entries (newest first) and how many match in all.</summary>
public sealed record AuditResults(IReadOnlyList<AuditRecord> Records, long Total);
