using Dapper;
using Dashboard.Data.Schema;

namespace Dashboard.Data.Tests.Schema;

public sealed class MigrationRunnerTests
{
    public static TheoryData<int> EarlierVersions()
    {
        var data = new TheoryData<int>();
        for (var version = 1; version < BundledMigrations.LatestVersion; version++)
        {
            data.Add(version);
        }

        return data;
    }

    [Fact]
    public void An_empty_folder_gets_a_database_at_the_latest_version()
    {
        using var temp = new TempDatabase();

        var database = temp.Open();

        database.SchemaVersion.Should().Be(BundledMigrations.LatestVersion);
        using var connection = temp.Raw();
        connection.Query<long>("SELECT version FROM schema_version ORDER BY version")
            .Should().Equal(BundledMigrations.All.Select(m => (long)m.Version));
        connection.Query<string>("SELECT name FROM sqlite_master WHERE type = 'table'").Should().Contain(
        [
            "nodes", "node_gpus", "teams", "team_quotas", "users", "team_members", "jobs", "allocations", "held_gpus",
            "job_events", "job_usage", "team_usage", "team_utilisation_samples", "user_utilisation_samples", "audit_log",
        ]);
    }

    [Theory]
    [MemberData(nameof(EarlierVersions))]
    public void A_database_at_an_earlier_version_upgrades_to_the_latest_and_keeps_its_rows(int version)
    {
        using var temp = new TempDatabase();
        temp.Open([.. BundledMigrations.All.Take(version)]).SchemaVersion.Should().Be(version);
        using (var connection = temp.Raw())
        {
            connection.Execute("INSERT INTO nodes (name, cpu_millicores, memory_mib, state, updated_at) VALUES ('kept', 1000, 1024, 'Ready', 0)");
        }

        var upgraded = temp.Open();

        upgraded.SchemaVersion.Should().Be(BundledMigrations.LatestVersion);
        using var check = temp.Raw();
        check.ExecuteScalar<long>("SELECT MAX(version) FROM schema_version").Should().Be(BundledMigrations.LatestVersion);
        check.ExecuteScalar<string>("SELECT name FROM nodes").Should().Be("kept");
    }

    [Fact]
    public void Opening_an_up_to_date_database_again_applies_nothing()
    {
        using var temp = new TempDatabase();
        temp.Open();
        temp.Time.Advance(TimeSpan.FromDays(1));

        temp.Open();

        using var connection = temp.Raw();
        connection.ExecuteScalar<long>("SELECT COUNT(*) FROM schema_version").Should().Be(BundledMigrations.LatestVersion);
        connection.ExecuteScalar<long>("SELECT COUNT(DISTINCT applied_at) FROM schema_version").Should().Be(1);
    }

    [Fact]
    public void A_failing_migration_is_rolled_back_whole_and_not_recorded()
    {
        using var temp = new TempDatabase();
        temp.Open();
        var broken = new Migration(BundledMigrations.LatestVersion + 1, "broken", "CREATE TABLE half_done (x INTEGER); INSERT INTO no_such_table VALUES (1);");

        var act = () => temp.Open([.. BundledMigrations.All, broken]);

        act.Should().Throw<InvalidOperationException>().WithMessage("*broken.sql failed and was rolled back*no such table*");
        using var connection = temp.Raw();
        connection.ExecuteScalar<long>("SELECT MAX(version) FROM schema_version").Should().Be(BundledMigrations.LatestVersion);
        connection.ExecuteScalar<long>("SELECT COUNT(*) FROM sqlite_master WHERE name = 'half_done'").Should().Be(0);
    }
}
