using Dashboard.Data;
using Dashboard.Data.Reservations;
using Dashboard.Data.Writing;
using Dashboard.Scheduling.Reservations;
using Dashboard.Web.Reservations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Dashboard.Web.Tests.Reservations;

/// <summary>The daily pruning of ended bookings (fake clock, real SQLite): older than Reservations:KeepEndedDays (default 100) they go.</summary>
public sealed class ReservationPruningTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("dashboard-pruning-").FullName;
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.Zero));
    private readonly Database database;

    public ReservationPruningTests()
    {
        database = Database.Open(new DatabaseOptions { DataFolder = folder }, time);
        using var writer = new ClusterWriter(database);
        var now = time.GetUtcNow();
        AdvanceReservation Ended(long id, int daysAgo) =>
            new(id, "demo", "live demo", "vision", "H100", 8, 8_000, 8_192, now.AddDays(-daysAgo).AddHours(-8), now.AddDays(-daysAgo), null, ReservationState.Approved, "lead");
        writer.Write([new ReservationWritten(Ended(1, 120), now), new ReservationWritten(Ended(2, 40), now), new ReservationWritten(Ended(3, 1), now)]);
    }

    private ReservationPruning Pruning(string? keepDays) => new(
        new ReservationStore(database),
        new ConfigurationBuilder().AddInMemoryCollection(keepDays is null ? [] : [new("Reservations:KeepEndedDays", keepDays)]).Build(),
        time,
        NullLogger<ReservationPruning>.Instance);

    [Fact]
    public void By_default_bookings_that_ended_over_100_days_ago_are_removed_and_a_setting_shortens_it()
    {
        var store = new ReservationStore(database);

        Pruning(null).KeepEnded.Should().Be(TimeSpan.FromDays(100));
        Pruning("0").KeepEnded.Should().Be(TimeSpan.FromDays(100), "0 days would remove a booking as it ends");
        Pruning(null).PruneNow().Should().Be(1);
        store.Find(1).Should().BeNull();
        store.Find(2).Should().NotBeNull();

        time.Advance(TimeSpan.FromDays(1));
        Pruning("30").PruneNow().Should().Be(1);
        store.Find(2).Should().BeNull();
        store.Find(3).Should().NotBeNull("it ended 2 days ago");
    }

    public void Dispose()
    {
        database.Dispose();
        Directory.Delete(folder, recursive: true);
    }
}
