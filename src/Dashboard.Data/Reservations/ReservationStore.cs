using Dapper;
using Dashboard.Scheduling.Reservations;

namespace Dashboard.Data.Reservations;

/// <summary>Reads advance reservations. Writes go through <see cref="Writing.ClusterWriter"/> (<see cref="ReservationWritten"/>).</summary>
public sealed class ReservationStore(Database database)
{
    private const string Columns = """
        id, name, reason, team, gpu_model, gpus, cpu_millicores, memory_mib, starts_at, ends_at, recurrence, state, booked_by
        """;

    private const string CurrentSql = $"SELECT {Columns} FROM advance_reservations WHERE ends_at > $after OR recurrence IS NOT NULL ORDER BY id";
    private const string FindSql = $"SELECT {Columns} FROM advance_reservations WHERE id = $id";
    private const string NextIdSql = "SELECT COALESCE(MAX(id), 0) + 1 FROM advance_reservations";

    // Ended one-off bookings (recurring ones never end) that no job was submitted into; the highest id stays, so a
    // restart never hands out a pruned booking's number again (the next id is the stored highest plus one).
    private const string PruneSql = """
        DELETE FROM advance_reservations
        WHERE ends_at < $before
          AND recurrence IS NULL
          AND id < (SELECT MAX(id) FROM advance_reservations)
          AND NOT EXISTS (SELECT 1 FROM jobs WHERE jobs.reservation_id = advance_reservations.id)
        """;

    /// <summary>Every reservation that may still have a window after <paramref name="after"/> (recurring ones always), by id.</summary>
    public IReadOnlyList<AdvanceReservation> Current(DateTimeOffset after)
    {
        using var connection = database.OpenConnection();
        return [.. connection.Query<ReservationRow>(CurrentSql, new { after = UtcTimestamp.ToStored(after) }).Select(r => r.ToReservation())];
    }

    public AdvanceReservation? Find(long id)
    {
        using var connection = database.OpenConnection();
        return connection.QuerySingleOrDefault<ReservationRow>(FindSql, new { id })?.ToReservation();
    }

    /// <summary>The id the next booking gets.</summary>
    public long NextId()
    {
        using var connection = database.OpenConnection();
        return connection.ExecuteScalar<long>(NextIdSql);
    }

    /// <summary>
    /// Removes the bookings that ended before <paramref name="before"/>: one-off ones only, and only those no job was
    /// submitted into (the job history still refers to those), never the highest id. Returns how many were removed.
    /// Safe beside the engine: it never changes a booking that ended before <paramref name="before"/> (an edit of an
    /// ended window is refused), so it removes nothing the engine still writes.
    /// </summary>
    public int PruneEnded(DateTimeOffset before)
    {
        using var connection = database.OpenConnection();
        return connection.Execute(PruneSql, new { before = UtcTimestamp.ToStored(before) });
    }

    private sealed class ReservationRow
    {
        public long Id { get; set; }

        public string Name { get; set; } = "";

        public string Reason { get; set; } = "";

        public string Team { get; set; } = "";

        public string GpuModel { get; set; } = "";

        public long Gpus { get; set; }

        public long CpuMillicores { get; set; }

        public long MemoryMiB { get; set; }

        public long StartsAt { get; set; }

        public long EndsAt { get; set; }

        public string? Recurrence { get; set; }

        public string State { get; set; } = "";

        public string BookedBy { get; set; } = "";

        public AdvanceReservation ToReservation() => new(
            Id, Name, Reason, Team, GpuModel, checked((int)Gpus), CpuMillicores, MemoryMiB,
            UtcTimestamp.FromStored(StartsAt), UtcTimestamp.FromStored(EndsAt), Recurrence, Enum.Parse<ReservationState>(State), BookedBy);
    }
}
