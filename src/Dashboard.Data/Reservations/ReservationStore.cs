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
