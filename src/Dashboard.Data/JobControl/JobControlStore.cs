using System.Collections.Immutable;
using Dapper;
using Dashboard.Scheduling.Control;
using Dashboard.Scheduling.Model;
using Microsoft.Data.Sqlite;

namespace Dashboard.Data.JobControl;

/// <summary>A job's control facts as its page and the API show them.</summary>
public sealed record JobControlFacts(JobHold? Hold, ImmutableArray<DependencyTerm> DependsOn, SweepMember? Sweep, string? SweepValuesJson);

/// <summary>Reads job_controls and sweeps (db/0010). Writes go through <see cref="Writing.ClusterWriter"/>.</summary>
public sealed class JobControlStore(Database database)
{
    private const string FactsSql = """
        SELECT job_id AS JobId, held_by AS HeldBy, hold_authority AS HoldAuthority, depends_on AS DependsOn,
               sweep_id AS SweepId, sweep_index AS SweepIndex, sweep_values AS SweepValues
        FROM job_controls WHERE job_id = $id
        """;

    private const string ActiveSql = """
        SELECT c.job_id AS JobId, c.held_by AS HeldBy, c.hold_authority AS HoldAuthority, c.depends_on AS DependsOn,
               c.sweep_id AS SweepId, c.sweep_index AS SweepIndex, NULL AS SweepValues, j.state AS State
        FROM job_controls c JOIN jobs j ON j.id = c.job_id
        WHERE j.state IN ('Pending', 'Running')
        """;

    private const string TalliesSql = """
        SELECT s.id AS Id, s.name AS Name, s.owner AS Owner, s.team AS Team, s.size AS Size, s.max_running AS MaxRunning,
               SUM(j.state = 'Succeeded') AS Succeeded,
               SUM(j.state IN ('Failed', 'TimedOut', 'Rejected')) AS Failed,
               SUM(j.state = 'Cancelled') AS Cancelled,
               SUM(j.state IN ('Pending', 'Running')) AS Active
        FROM sweeps s JOIN job_controls c ON c.sweep_id = s.id JOIN jobs j ON j.id = c.job_id
        WHERE (s.id = $id OR $id IS NULL)
          -- Only the newest attempt at each index counts: a resubmitted job replaces the failed one.
          AND c.job_id = (SELECT MAX(n.job_id) FROM job_controls n WHERE n.sweep_id = c.sweep_id AND n.sweep_index = c.sweep_index)
        GROUP BY s.id
        """;

    private const string StateSql = "SELECT state FROM jobs WHERE id = $id";

    /// <summary>Each return to the queue (a requeue, a preemption) begins another attempt.</summary>
    private const string AttemptsSql = """
        SELECT 1 + COUNT(*) FROM job_events WHERE job_id = $id AND to_state = 'Pending' AND from_state <> 'Pending'
        """;

    private const string NextSweepSql = "SELECT COALESCE(MAX(id), 0) + 1 FROM sweeps";

    private const string SweepJobsSql = "SELECT job_id FROM job_controls WHERE sweep_id = $id ORDER BY sweep_index, job_id";

    /// <summary>The hold, dependencies and sweep place of <paramref name="job"/>; null when it has none.</summary>
    public JobControlFacts? Find(JobId job)
    {
        using var connection = database.OpenConnection();
        return connection.QuerySingleOrDefault<ControlRow>(FactsSql, new { id = job.Value })?.ToFacts();
    }

    /// <summary>A sweep's tally (how the newest attempt at each index has ended so far); null when there is no such sweep.</summary>
    public SweepTally? Sweep(long id)
    {
        using var connection = database.OpenConnection();
        return connection.QuerySingleOrDefault<TallyRow>(TalliesSql, new { id })?.ToTally();
    }

    /// <summary>The ids of a sweep's jobs, by index (a resubmitted attempt after the one it replaces).</summary>
    public IReadOnlyList<JobId> SweepJobs(long id)
    {
        using var connection = database.OpenConnection();
        return [.. connection.Query<long>(SweepJobsSql, new { id }).Select(v => new JobId(v))];
    }

    /// <summary>
    /// Which attempt of <paramref name="job"/> this is: 1, plus one for each time it went back to the queue (requeued by a
    /// person or preempted).
    /// </summary>
    public int Attempts(JobId job)
    {
        using var connection = database.OpenConnection();
        return connection.ExecuteScalar<int>(AttemptsSql, new { id = job.Value });
    }

    public long NextSweepId()
    {
        using var connection = database.OpenConnection();
        return connection.ExecuteScalar<long>(NextSweepSql);
    }

    /// <summary>
    /// The controls the engine starts from: holds and dependencies of waiting jobs, sweep places of active jobs, the
    /// tallies of sweeps not yet finished, and the end states of the jobs waiting jobs depend on.
    /// </summary>
    public static JobControls Load(SqliteConnection connection, SqliteTransaction? transaction)
    {
        var controls = JobControls.Empty;
        foreach (var row in connection.Query<ControlRow>(ActiveSql, transaction: transaction))
        {
            var id = new JobId(row.JobId);
            var facts = row.ToFacts();
            if (row.State == nameof(JobState.Pending))
            {
                controls = facts.Hold is { } hold ? controls.Hold(id, hold) : controls;
                controls = controls.Depend(id, facts.DependsOn);
            }

            controls = facts.Sweep is { } member ? controls.Join(id, member) : controls;
        }

        foreach (var tally in connection.Query<TallyRow>(TalliesSql, new { id = (long?)null }, transaction).Where(t => t.Active > 0))
        {
            controls = controls.StartSweep(tally.ToTally());
        }

        var outcomes = ImmutableDictionary.CreateBuilder<JobId, JobState>();
        foreach (var target in controls.Targets)
        {
            if (connection.ExecuteScalar<string?>(StateSql, new { id = target.Value }, transaction) is { } state
                && Enum.Parse<JobState>(state) is var parsed && parsed.IsTerminal())
            {
                outcomes[target] = parsed;
            }
        }

        return controls with { Outcomes = outcomes.ToImmutable() };
    }

    private sealed class ControlRow
    {
        public long JobId { get; set; }

        public string? HeldBy { get; set; }

        public string? HoldAuthority { get; set; }

        public string? DependsOn { get; set; }

        public long? SweepId { get; set; }

        public long? SweepIndex { get; set; }

        public string? SweepValues { get; set; }

        public string? State { get; set; }

        public JobControlFacts ToFacts() => new(
            HeldBy is { } by && HoldAuthority is { } authority ? new JobHold(by, Enum.Parse<HoldAuthority>(authority)) : null,
            DependencyTerm.ParseList(DependsOn, out _),
            SweepId is { } sweep && SweepIndex is { } index ? new SweepMember(sweep, checked((int)index)) : null,
            SweepValues);
    }

    private sealed class TallyRow
    {
        public long Id { get; set; }

        public string Name { get; set; } = "";

        public string Owner { get; set; } = "";

        public string Team { get; set; } = "";

        public long Size { get; set; }

        public long? MaxRunning { get; set; }

        public long Succeeded { get; set; }

        public long Failed { get; set; }

        public long Cancelled { get; set; }

        public long Active { get; set; }

        public SweepTally ToTally() => new(
            Id, Name, Owner, Team, checked((int)Size), MaxRunning is { } max ? checked((int)max) : null,
            checked((int)Succeeded), checked((int)Failed), checked((int)Cancelled));
    }
}
