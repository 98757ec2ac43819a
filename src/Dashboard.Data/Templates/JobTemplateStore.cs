using Dapper;
using Dashboard.Data.Audit;
using Microsoft.Data.Sqlite;

namespace Dashboard.Data.Templates;

/// <summary>A saved submit: <see cref="RequestJson"/> is the API's submit body; team-wide ones are seen by the whole team.</summary>
public sealed record JobTemplate(long Id, string Name, string Owner, string Team, bool TeamWide, string RequestJson, DateTimeOffset CreatedAt);

/// <summary>Reads and writes job_templates (db/0013); each write carries its audit entry in the same transaction.</summary>
public sealed class JobTemplateStore(Database database)
{
    private const string Columns = "id AS Id, name AS Name, owner AS Owner, team AS Team, team_wide AS TeamWide, request AS RequestJson, created_at AS CreatedAt";

    private const string InsertSql = """
        INSERT INTO job_templates (name, owner, team, team_wide, request, created_at) VALUES ($name, $owner, $team, $teamWide, $request, $at)
        ON CONFLICT DO NOTHING RETURNING id
        """;

    private const string DeleteSql = "DELETE FROM job_templates WHERE id = $id";

    /// <summary>
    /// The templates <paramref name="user"/> sees: their own personal ones and the team-wide ones of
    /// <paramref name="teams"/> (every team's when <paramref name="allTeams"/>), by name.
    /// </summary>
    public IReadOnlyList<JobTemplate> VisibleTo(string user, IReadOnlyCollection<string> teams, bool allTeams)
    {
        ArgumentNullException.ThrowIfNull(teams);
        using var connection = database.OpenConnection();
        return [.. connection.Query<Row>(
            $"SELECT {Columns} FROM job_templates WHERE (team_wide = 0 AND owner = $user) OR (team_wide = 1 AND ($all OR team IN (SELECT value FROM json_each($teams)))) ORDER BY name, team_wide, id",
            new { user, all = allTeams, teams = System.Text.Json.JsonSerializer.Serialize(teams) }).Select(r => r.ToTemplate())];
    }

    public JobTemplate? Find(long id)
    {
        using var connection = database.OpenConnection();
        return connection.QuerySingleOrDefault<Row>($"SELECT {Columns} FROM job_templates WHERE id = $id", new { id })?.ToTemplate();
    }

    /// <summary>Saves a new template; null (nothing written) when its name is taken (the person's, or the team's for a team-wide one).</summary>
    public long? Add(string name, string owner, string team, bool teamWide, string requestJson, DateTimeOffset at, Func<long, AuditEntry> audit)
    {
        ArgumentNullException.ThrowIfNull(audit);
        using var connection = database.OpenConnection();
        using var transaction = connection.BeginTransaction();
        var id = connection.ExecuteScalar<long?>(InsertSql, new { name, owner, team, teamWide = teamWide ? 1 : 0, request = requestJson, at = UtcTimestamp.ToStored(at) }, transaction);
        if (id is { } made)
        {
            AuditWrites.AppendWithin(connection, transaction, audit(made));
            transaction.Commit();
        }

        return id;
    }

    /// <summary>Deletes a template; false when there is none with that id.</summary>
    public bool Delete(long id, AuditEntry audit)
    {
        ArgumentNullException.ThrowIfNull(audit);
        using var connection = database.OpenConnection();
        using var transaction = connection.BeginTransaction();
        var deleted = connection.Execute(DeleteSql, new { id }, transaction) == 1;
        if (deleted)
        {
            AuditWrites.AppendWithin(connection, transaction, audit);
            transaction.Commit();
        }

        return deleted;
    }

    private sealed class Row
    {
        public long Id { get; set; }

        public string Name { get; set; } = "";

        public string Owner { get; set; } = "";

        public string Team { get; set; } = "";

        public long TeamWide { get; set; }

        public string RequestJson { get; set; } = "";

        public long CreatedAt { get; set; }

        public JobTemplate ToTemplate() => new(Id, Name, Owner, Team, TeamWide != 0, RequestJson, UtcTimestamp.FromStored(CreatedAt));
    }
}
