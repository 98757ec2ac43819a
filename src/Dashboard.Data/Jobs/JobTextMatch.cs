using Microsoft.Data.Sqlite;

namespace Dashboard.Data.Jobs;

/// <summary>
/// The row-by-row form of the job list's text filter, as an SQL function on a connection: whether a name or a command
/// holds a text, ignoring case as the FTS5 trigram index does (simple Unicode case folding, accents kept), so the
/// list's two ways of finding a text (the index, or testing each row) agree.
/// </summary>
internal static class JobTextMatch
{
    /// <summary>Makes <see cref="JobPageQuery.TextHoldsFunction"/>(name, command, text) callable on <paramref name="connection"/>.</summary>
    public static void Register(SqliteConnection connection) =>
        connection.CreateFunction<string?, string?, string?, bool>(JobPageQuery.TextHoldsFunction, Holds, isDeterministic: true);

    /// <summary>Whether <paramref name="name"/> or <paramref name="command"/> holds <paramref name="text"/>, ignoring case.</summary>
    public static bool Holds(string? name, string? command, string? text) =>
        !string.IsNullOrEmpty(text)
        && ((name?.Contains(text, StringComparison.OrdinalIgnoreCase) ?? false) || (command?.Contains(text, StringComparison.OrdinalIgnoreCase) ?? false));
}
