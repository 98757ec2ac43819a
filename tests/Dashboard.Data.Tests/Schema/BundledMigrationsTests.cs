using Dashboard.Data.Schema;

namespace Dashboard.Data.Tests.Schema;

public sealed class BundledMigrationsTests
{
    [Fact]
    public void Bundled_migrations_are_numbered_contiguously_from_0001()
    {
        BundledMigrations.All.Select(m => m.Version).Should().Equal(Enumerable.Range(1, BundledMigrations.All.Count));
        BundledMigrations.All[0].FileName.Should().Be("0001_initial.sql");
    }

    [Fact]
    public void Bundled_migrations_are_exactly_the_files_of_the_top_level_db_folder()
    {
        var folder = Path.Combine(RepositoryRoot(), "db");
        var onDisk = Directory.GetFiles(folder)
            .Select(path => (Name: Path.GetFileName(path), Sql: File.ReadAllText(path)))
            .OrderBy(f => f.Name, StringComparer.Ordinal)
            .ToList();

        onDisk.Select(f => f.Name).Should().Equal(BundledMigrations.All.Select(m => m.FileName));
        onDisk.Select(f => f.Sql).Should().Equal(BundledMigrations.All.Select(m => m.Sql));
    }

    [Fact]
    public void A_gap_in_the_numbering_is_refused()
    {
        var act = () => BundledMigrations.FromFiles([("0001_initial.sql", "SELECT 1"), ("0003_later.sql", "SELECT 1")]);

        act.Should().Throw<InvalidOperationException>().WithMessage("*without gaps*0003_later.sql*");
    }

    [Fact]
    public void A_repeated_number_is_refused()
    {
        var act = () => BundledMigrations.FromFiles([("0001_initial.sql", "SELECT 1"), ("0001_again.sql", "SELECT 1")]);

        act.Should().Throw<InvalidOperationException>().WithMessage("*without gaps or repeats*");
    }

    [Theory]
    [InlineData("1_initial.sql")]
    [InlineData("0001-initial.sql")]
    [InlineData("0001_Initial.sql")]
    [InlineData("0001_initial.txt")]
    public void A_badly_named_file_is_refused(string name)
    {
        var act = () => BundledMigrations.FromFiles([(name, "SELECT 1")]);

        act.Should().Throw<InvalidOperationException>().WithMessage($"*{name}*NNNN_name.sql*");
    }

    [Fact]
    public void The_checksum_ignores_line_endings_but_not_content()
    {
        var unix = new Migration(1, "initial", "CREATE TABLE a (x INTEGER);\nCREATE TABLE b (y INTEGER);\n");
        var windows = new Migration(1, "initial", "CREATE TABLE a (x INTEGER);\r\nCREATE TABLE b (y INTEGER);\r\n");
        var edited = new Migration(1, "initial", "CREATE TABLE a (x INTEGER);\nCREATE TABLE b (z INTEGER);\n");

        windows.Checksum.Should().Be(unix.Checksum);
        edited.Checksum.Should().NotBe(unix.Checksum);
    }

    private static string RepositoryRoot()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "Dashboard.sln")))
        {
            folder = folder.Parent;
        }

        return folder?.FullName ?? throw new InvalidOperationException("The test does not run inside the repository.");
    }
}
