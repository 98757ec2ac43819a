using System.Security.Cryptography;
using Dapper;
using Dashboard.Data.Schema;

namespace Dashboard.Data.Tests.Schema;

public sealed class SchemaInspectionTests
{
    [Fact]
    public void A_database_from_a_newer_schema_is_refused_with_a_clear_message_and_left_untouched()
    {
        using var temp = new TempDatabase();
        temp.Open().Dispose();
        var newest = BundledMigrations.LatestVersion;
        var olderBuild = BundledMigrations.All.Take(newest - 1).ToList();
        var before = Fingerprint(temp.Folder);

        var act = () => temp.Open(olderBuild);

        act.Should().Throw<IncompatibleDatabaseException>()
            .WithMessage($"database schema version {newest} is newer than this build knows ({newest - 1}); upgrade the dashboard or restore a backup*");
        Fingerprint(temp.Folder).Should().Equal(before);
    }

    [Fact]
    public void A_newer_database_in_use_by_another_process_is_refused_without_touching_the_main_file()
    {
        using var temp = new TempDatabase();
        var current = temp.Open();
        using var elsewhere = current.OpenConnection();
        elsewhere.Execute("INSERT INTO teams (name, created_at) VALUES ('only-in-the-wal', 0)");
        File.Exists(temp.FilePath + "-wal").Should().BeTrue();
        var before = Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(temp.FilePath)));

        var act = () => temp.Open([.. BundledMigrations.All.Take(BundledMigrations.LatestVersion - 1)]);

        act.Should().Throw<IncompatibleDatabaseException>().WithMessage("database schema version * is newer than this build knows*");
        Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(temp.FilePath))).Should().Be(before);
        elsewhere.ExecuteScalar<string>("SELECT name FROM teams").Should().Be("only-in-the-wal");
    }

    [Fact]
    public void A_database_whose_applied_migration_was_edited_is_refused_and_left_untouched()
    {
        using var temp = new TempDatabase();
        temp.Open().Dispose();
        var edited = BundledMigrations.All.Select(m => m.Version == 1 ? m with { Sql = m.Sql + "\n-- edited\n" } : m).ToList();
        var before = Fingerprint(temp.Folder);

        var act = () => temp.Open(edited);

        act.Should().Throw<IncompatibleDatabaseException>().WithMessage("migration 0001_initial.sql differs from the one applied*never be edited*");
        Fingerprint(temp.Folder).Should().Equal(before);
    }

    [Fact]
    public void A_file_that_is_not_a_dashboard_database_is_refused_and_left_untouched()
    {
        using var temp = new TempDatabase();
        Directory.CreateDirectory(temp.Options.DataFolder);
        using (var connection = temp.Raw())
        {
            connection.Execute("CREATE TABLE recipes (name TEXT)");
        }

        var before = Fingerprint(temp.Folder);

        var act = () => temp.Open();

        act.Should().Throw<IncompatibleDatabaseException>().WithMessage("*is not a Compute Dashboard database*");
        Fingerprint(temp.Folder).Should().Equal(before);
    }

    /// <summary>Every file in the folder with the SHA-256 of its bytes: a refused open must create, change and delete nothing.</summary>
    private static List<string> Fingerprint(string folder) =>
        [.. Directory.GetFiles(folder, "*", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)
            .Select(path => $"{Path.GetRelativePath(folder, path)} {Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)))}")];
}
