using Dapper;

namespace Dashboard.Data.Tests;

public sealed class DatabaseTests
{
    [Fact]
    public void The_data_folder_is_created_on_first_start()
    {
        using var temp = new TempDatabase();
        Directory.Exists(temp.Options.DataFolder).Should().BeFalse();

        var database = temp.Open();

        File.Exists(database.FilePath).Should().BeTrue();
        database.FilePath.Should().Be(Path.Combine(temp.Options.DataFolder, "dashboard.db"));
    }

    [Theory]
    [InlineData(SqliteSynchronous.Full, 2)]
    [InlineData(SqliteSynchronous.Normal, 1)]
    public void Connections_use_wal_the_configured_synchronous_a_busy_timeout_and_foreign_keys(SqliteSynchronous synchronous, long expected)
    {
        using var temp = new TempDatabase(synchronous);
        var database = Database.Open(temp.Options with { BusyTimeoutMs = 1234 }, temp.Time);

        using var connection = database.OpenConnection();

        connection.ExecuteScalar<string>("PRAGMA journal_mode").Should().Be("wal");
        connection.ExecuteScalar<long>("PRAGMA synchronous").Should().Be(expected);
        connection.ExecuteScalar<long>("PRAGMA busy_timeout").Should().Be(1234);
        connection.ExecuteScalar<long>("PRAGMA foreign_keys").Should().Be(1);
        database.Dispose();
    }

    [Fact]
    public void Options_default_to_a_data_folder_full_synchronous_and_a_five_second_busy_timeout()
    {
        var options = new DatabaseOptions();

        DatabaseOptions.SectionName.Should().Be("Database");
        options.FilePath.Should().Be(Path.GetFullPath(Path.Combine("data", "dashboard.db")));
        options.Synchronous.Should().Be(SqliteSynchronous.Full);
        options.BusyTimeoutMs.Should().Be(5000);
    }
}
