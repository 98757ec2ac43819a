using Microsoft.Data.Sqlite;

namespace Dashboard.Data.Writing;

/// <summary>The prepared write statements of one aggregate, enlisted together in each transaction of <see cref="ClusterWriter"/>.</summary>
internal abstract class StatementGroup(SqliteConnection connection) : IDisposable
{
    private readonly List<PreparedStatement> statements = [];

    protected SqliteConnection Connection { get; } = connection;

    protected SqliteTransaction? Transaction { get; private set; }

    /// <summary>The transaction the statements now run in (they follow the connection; Dapper look-ups need it named).</summary>
    public void Enlist(SqliteTransaction? transaction) => Transaction = transaction;

    public void Dispose()
    {
        foreach (var statement in statements)
        {
            statement.Dispose();
        }
    }

    protected PreparedStatement Prepare(string sql, params string[] parameterNames)
    {
        var statement = new PreparedStatement(Connection, sql, parameterNames);
        statements.Add(statement);
        return statement;
    }
}
