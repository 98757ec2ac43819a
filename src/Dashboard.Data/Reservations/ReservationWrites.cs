using Dashboard.Data.Writing;
using Microsoft.Data.Sqlite;

namespace Dashboard.Data.Reservations;

/// <summary>The write side of advance_reservations: one row per booking, written whole on every change.</summary>
internal sealed class ReservationWrites : StatementGroup
{
    private const string UpsertSql = """
        INSERT INTO advance_reservations (id, name, reason, team, gpu_model, gpus, cpu_millicores, memory_mib,
                                          starts_at, ends_at, recurrence, state, booked_by, updated_at)
        VALUES ($id, $name, $reason, $team, $gpu_model, $gpus, $cpu_millicores, $memory_mib,
                $starts_at, $ends_at, $recurrence, $state, $booked_by, $at)
        ON CONFLICT (id) DO UPDATE SET
            name = excluded.name, reason = excluded.reason, team = excluded.team, gpu_model = excluded.gpu_model,
            gpus = excluded.gpus, cpu_millicores = excluded.cpu_millicores, memory_mib = excluded.memory_mib,
            starts_at = excluded.starts_at, ends_at = excluded.ends_at, recurrence = excluded.recurrence,
            state = excluded.state, updated_at = excluded.updated_at
        """;

    private readonly PreparedStatement upsert;

    public ReservationWrites(SqliteConnection connection)
        : base(connection)
    {
        upsert = Prepare(
            UpsertSql,
            "$id", "$name", "$reason", "$team", "$gpu_model", "$gpus", "$cpu_millicores", "$memory_mib",
            "$starts_at", "$ends_at", "$recurrence", "$state", "$booked_by", "$at");
    }

    public void Write(ReservationWritten change)
    {
        var r = change.Reservation;
        upsert.Bind("$id", r.Id)
            .Bind("$name", r.Name)
            .Bind("$reason", r.Reason)
            .Bind("$team", r.Team)
            .Bind("$gpu_model", r.GpuModel)
            .Bind("$gpus", (long)r.Gpus)
            .Bind("$cpu_millicores", r.CpuMillicores)
            .Bind("$memory_mib", r.MemoryMiB)
            .Bind("$starts_at", UtcTimestamp.ToStored(r.Start))
            .Bind("$ends_at", UtcTimestamp.ToStored(r.End))
            .Bind("$recurrence", r.Recurrence)
            .Bind("$state", r.State.ToString())
            .Bind("$booked_by", r.BookedBy)
            .Bind("$at", UtcTimestamp.ToStored(change.At))
            .Run();
    }
}
