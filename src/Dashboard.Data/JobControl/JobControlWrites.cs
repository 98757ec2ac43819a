using Dashboard.Data.Writing;
using Dashboard.Scheduling.Control;
using Microsoft.Data.Sqlite;

namespace Dashboard.Data.JobControl;

/// <summary>The write side of job_controls and sweeps (db/0010).</summary>
internal sealed class JobControlWrites : StatementGroup
{
    private const string HoldSql = """
        INSERT INTO job_controls (job_id, held_by, hold_authority, held_at) VALUES ($id, $by, $authority, $at)
        ON CONFLICT (job_id) DO UPDATE SET held_by = excluded.held_by, hold_authority = excluded.hold_authority, held_at = excluded.held_at
        """;

    private const string DependSql = """
        INSERT INTO job_controls (job_id, depends_on) VALUES ($id, $terms)
        ON CONFLICT (job_id) DO UPDATE SET depends_on = excluded.depends_on
        """;

    private const string SweepSql = """
        INSERT INTO sweeps (id, name, owner, team, size, max_running, parameters, created_at)
        VALUES ($id, $name, $owner, $team, $size, $max_running, $parameters, $at)
        """;

    private const string MemberSql = """
        INSERT INTO job_controls (job_id, sweep_id, sweep_index, sweep_values) VALUES ($id, $sweep, $index, $values)
        ON CONFLICT (job_id) DO UPDATE SET sweep_id = excluded.sweep_id, sweep_index = excluded.sweep_index, sweep_values = excluded.sweep_values
        """;

    private readonly PreparedStatement hold;
    private readonly PreparedStatement depend;
    private readonly PreparedStatement sweep;
    private readonly PreparedStatement member;

    public JobControlWrites(SqliteConnection connection)
        : base(connection)
    {
        hold = Prepare(HoldSql, "$id", "$by", "$authority", "$at");
        depend = Prepare(DependSql, "$id", "$terms");
        sweep = Prepare(SweepSql, "$id", "$name", "$owner", "$team", "$size", "$max_running", "$parameters", "$at");
        member = Prepare(MemberSql, "$id", "$sweep", "$index", "$values");
    }

    public void Apply(JobHoldChanged change) =>
        hold.Bind("$id", change.Job.Value)
            .Bind("$by", change.Hold?.By)
            .Bind("$authority", change.Hold?.Authority.ToString())
            .Bind("$at", change.Hold is null ? null : UtcTimestamp.ToStored(change.At))
            .Run();

    public void Apply(JobDependenciesSet change) =>
        depend.Bind("$id", change.Job.Value).Bind("$terms", DependencyTerm.Format(change.Terms)).Run();

    public void Apply(SweepCreated change) =>
        sweep.Bind("$id", change.Sweep.Id)
            .Bind("$name", change.Sweep.Name)
            .Bind("$owner", change.Sweep.Owner)
            .Bind("$team", change.Sweep.Team)
            .Bind("$size", (long)change.Sweep.Size)
            .Bind("$max_running", (long?)change.Sweep.MaxRunning)
            .Bind("$parameters", change.Parameters)
            .Bind("$at", UtcTimestamp.ToStored(change.At))
            .Run();

    public void Apply(SweepJobAdded change) =>
        member.Bind("$id", change.Job.Value)
            .Bind("$sweep", change.Member.Sweep)
            .Bind("$index", (long)change.Member.Index)
            .Bind("$values", change.ValuesJson)
            .Run();
}
