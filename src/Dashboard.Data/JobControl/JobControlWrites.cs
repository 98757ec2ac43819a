using Dashboard.Data.Writing;
using Dashboard.Scheduling.Control;
using Dashboard.Scheduling.Model;
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

    private const string EditSql = """
        UPDATE jobs SET name = $name, command = $command, gpus = $gpus, cpu_millicores = $cpu_millicores, memory_mib = $memory_mib,
                        gpu_model = $gpu_model, cpu_limit_millicores = $cpu_limit_millicores, memory_limit_mib = $memory_limit_mib,
                        walltime_ms = $walltime_ms, priority = $priority
        WHERE id = $id AND state = 'Pending'
        """;

    private const string RequeueSql = """
        UPDATE jobs SET state = 'Pending', ended_at = NULL, exit_code = NULL, reason = $reason
        WHERE id = $id AND state = $from
        """;

    private const string RequeueEventSql = """
        INSERT INTO job_events (job_id, at, from_state, to_state, reason, exit_code) VALUES ($id, $at, $from, 'Pending', $reason, NULL)
        """;

    private readonly PreparedStatement hold;
    private readonly PreparedStatement edit;
    private readonly PreparedStatement requeue;
    private readonly PreparedStatement requeueEvent;
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
        edit = Prepare(
            EditSql,
            "$id", "$name", "$command", "$gpus", "$cpu_millicores", "$memory_mib", "$gpu_model", "$cpu_limit_millicores", "$memory_limit_mib", "$walltime_ms", "$priority");
        requeue = Prepare(RequeueSql, "$id", "$from", "$reason");
        requeueEvent = Prepare(RequeueEventSql, "$id", "$at", "$from", "$reason");
    }

    public void Apply(JobEdited change)
    {
        var spec = change.Spec;
        var changed = edit.Bind("$id", change.Job.Value)
            .Bind("$name", spec.Name)
            .Bind("$command", spec.Command)
            .Bind("$gpus", (long)spec.Request.Gpus)
            .Bind("$cpu_millicores", spec.Request.CpuMillicores)
            .Bind("$memory_mib", spec.Request.MemoryMiB)
            .Bind("$gpu_model", spec.Request.GpuModel)
            .Bind("$cpu_limit_millicores", spec.Limits?.CpuMillicores)
            .Bind("$memory_limit_mib", spec.Limits?.MemoryMiB)
            .Bind("$walltime_ms", spec.Walltime is { } walltime ? (long)walltime.TotalMilliseconds : null)
            .Bind("$priority", (long)spec.Priority)
            .Run();
        if (changed != 1)
        {
            throw new InvalidOperationException($"Job {change.Job} is not waiting, so it cannot be edited.");
        }
    }

    public void Apply(JobRequeuedFromEnd change)
    {
        if (!change.From.IsTerminal())
        {
            throw new InvalidOperationException($"Job {change.Job} is {change.From}: only an ended job is requeued this way.");
        }

        var changed = requeue.Bind("$id", change.Job.Value).Bind("$from", change.From.ToString()).Bind("$reason", change.Reason).Run();
        if (changed != 1)
        {
            throw new InvalidOperationException($"Job {change.Job} is not {change.From}, so it cannot be requeued from it.");
        }

        requeueEvent.Bind("$id", change.Job.Value)
            .Bind("$at", UtcTimestamp.ToStored(change.At))
            .Bind("$from", change.From.ToString())
            .Bind("$reason", change.Reason)
            .Run();
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
