using Dapper;
using Dashboard.Data.Writing;
using Dashboard.Scheduling.Model;
using Microsoft.Data.Sqlite;

namespace Dashboard.Data.Jobs;

/// <summary>The write side of the jobs table and its append-only job_events history (one row per state change).</summary>
internal sealed class JobWrites : StatementGroup
{
    private const string InsertSql = """
        INSERT INTO jobs (id, name, owner, team, command, gpus, cpu_millicores, memory_mib, gpu_model,
                          cpu_limit_millicores, memory_limit_mib, walltime_ms, priority, state, submitted_at, kind, session_type,
                          reservation_id)
        VALUES ($id, $name, $owner, $team, $command, $gpus, $cpu_millicores, $memory_mib, $gpu_model,
                $cpu_limit_millicores, $memory_limit_mib, $walltime_ms, $priority, 'Pending', $at,
                CASE WHEN $session_type IS NULL THEN 'batch' ELSE 'session' END, $session_type,
                $reservation_id)
        """;

    private const string ChangeStateSql = """
        UPDATE jobs
        SET state = $to,
            started_at = CASE WHEN $to = 'Running' THEN $at ELSE started_at END,
            ended_at = CASE WHEN $terminal THEN $at ELSE ended_at END,
            exit_code = COALESCE($exit_code, exit_code),
            reason = $reason,
            times_preempted = times_preempted + $preempted
        WHERE id = $id AND state = $from
        """;

    private const string EventSql = """
        INSERT INTO job_events (job_id, at, from_state, to_state, reason, exit_code)
        VALUES ($id, $at, $from, $to, $reason, $exit_code)
        """;

    private const string NoteSql = "UPDATE jobs SET reason = $reason WHERE id = $id AND state = 'Running'";

    private const string StateSql = "SELECT state FROM jobs WHERE id = $id";

    private readonly PreparedStatement insert;
    private readonly PreparedStatement changeState;
    private readonly PreparedStatement appendEvent;
    private readonly PreparedStatement note;

    public JobWrites(SqliteConnection connection)
        : base(connection)
    {
        insert = Prepare(
            InsertSql,
            "$id", "$name", "$owner", "$team", "$command", "$gpus", "$cpu_millicores", "$memory_mib", "$gpu_model",
            "$cpu_limit_millicores", "$memory_limit_mib", "$walltime_ms", "$priority", "$at", "$session_type", "$reservation_id");
        changeState = Prepare(ChangeStateSql, "$id", "$from", "$to", "$at", "$terminal", "$exit_code", "$reason", "$preempted");
        appendEvent = Prepare(EventSql, "$id", "$at", "$from", "$to", "$reason", "$exit_code");
        note = Prepare(NoteSql, "$id", "$reason");
    }

    public void Insert(Job job)
    {
        var spec = job.Spec;
        var request = spec.Request;
        insert.Bind("$id", job.Id.Value)
            .Bind("$name", spec.Name)
            .Bind("$owner", spec.Owner)
            .Bind("$team", spec.Team)
            .Bind("$command", spec.Command)
            .Bind("$gpus", (long)request.Gpus)
            .Bind("$cpu_millicores", request.CpuMillicores)
            .Bind("$memory_mib", request.MemoryMiB)
            .Bind("$gpu_model", request.GpuModel)
            .Bind("$cpu_limit_millicores", spec.Limits?.CpuMillicores)
            .Bind("$memory_limit_mib", spec.Limits?.MemoryMiB)
            .Bind("$walltime_ms", spec.Walltime is { } walltime ? (long)walltime.TotalMilliseconds : null)
            .Bind("$priority", (long)spec.Priority)
            .Bind("$at", UtcTimestamp.ToStored(job.SubmittedAt))
            .Bind("$session_type", spec.Session?.Type)
            .Bind("$reservation_id", spec.Reservation)
            .Run();
    }

    public void ChangeState(JobStateChanged change)
    {
        JobStateTransitions.Transition(change.From, change.To);
        var at = UtcTimestamp.ToStored(change.At);
        var changed = changeState.Bind("$id", change.Job.Value)
            .Bind("$from", change.From.ToString())
            .Bind("$to", change.To.ToString())
            .Bind("$at", at)
            .Bind("$terminal", change.To.IsTerminal())
            .Bind("$exit_code", (long?)change.ExitCode)
            .Bind("$reason", change.Reason)
            .Bind("$preempted", change.Preempted ? 1L : 0L)
            .Run();
        if (changed != 1)
        {
            var stored = Connection.ExecuteScalar<string?>(StateSql, new { id = change.Job.Value }, Transaction);
            throw new InvalidOperationException(stored is null
                ? $"Job {change.Job} does not exist, so it cannot go from {change.From} to {change.To}."
                : $"Job {change.Job} is {stored}, not {change.From}, so it cannot go from {change.From} to {change.To}.");
        }

        appendEvent.Bind("$id", change.Job.Value)
            .Bind("$at", at)
            .Bind("$from", change.From.ToString())
            .Bind("$to", change.To.ToString())
            .Bind("$reason", change.Reason)
            .Bind("$exit_code", (long?)change.ExitCode)
            .Run();
    }

    /// <summary>A running job's reason becomes <see cref="JobNoted.Note"/>, and its history gets a row (Running to Running).</summary>
    public void Note(JobNoted change)
    {
        if (note.Bind("$id", change.Job.Value).Bind("$reason", change.Note).Run() != 1)
        {
            throw new InvalidOperationException($"Job {change.Job} is not running, so nothing can be noted about its run.");
        }

        appendEvent.Bind("$id", change.Job.Value)
            .Bind("$at", UtcTimestamp.ToStored(change.At))
            .Bind("$from", nameof(JobState.Running))
            .Bind("$to", nameof(JobState.Running))
            .Bind("$reason", change.Note)
            .Bind("$exit_code", (long?)null)
            .Run();
    }
}
