namespace Dashboard.Web.Jobs;

/// <summary>
/// A waiting reason as separate sentences to show one under another: the core writes its clauses joined by "; "
/// ("needs 8 GPUs; team vision has 4 of its 20 GPUs free (16 in use); 3 jobs ahead"); a page shows
/// "Needs 8 GPUs." / "Team vision has 4 of its 20 GPUs free (16 in use)." / "3 jobs ahead."
/// </summary>
public static class ReasonSentences
{
    public static IReadOnlyList<string> Of(string? reason)
    {
        if (string.IsNullOrWhiteSpace(reason))
        {
            return [];
        }

        return
        [
            .. reason.Split("; ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(clause => char.ToUpperInvariant(clause[0]) + clause[1..] + (clause.EndsWith('.') ? string.Empty : ".")),
        ];
    }
}
