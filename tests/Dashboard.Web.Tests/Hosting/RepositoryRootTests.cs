using Dashboard.Web.Hosting;

namespace Dashboard.Web.Tests.Hosting;

public sealed class RepositoryRootTests : IDisposable
{
    private readonly string scratch = Directory.CreateTempSubdirectory("dashboard-root-").FullName;

    public void Dispose() => Directory.Delete(scratch, recursive: true);

    [Fact]
    public void Finds_the_nearest_folder_holding_the_solution_above_the_start()
    {
        var repo = Directory.CreateDirectory(Path.Combine(scratch, "repo")).FullName;
        File.WriteAllText(Path.Combine(repo, RepositoryRoot.MarkerFile), string.Empty);
        var deep = Directory.CreateDirectory(Path.Combine(repo, "src", "Dashboard.Web", "bin", "Debug", "net10.0")).FullName;

        RepositoryRoot.Find(null, [deep]).Should().Be(repo);
    }

    [Fact]
    public void Tries_the_next_start_folder_when_the_first_is_outside_any_repository()
    {
        var outside = Directory.CreateDirectory(Path.Combine(scratch, "published")).FullName;
        var repo = Directory.CreateDirectory(Path.Combine(scratch, "repo")).FullName;
        File.WriteAllText(Path.Combine(repo, RepositoryRoot.MarkerFile), string.Empty);

        RepositoryRoot.Find(null, [outside, repo]).Should().Be(repo);
    }

    [Fact]
    public void The_override_wins_over_the_search()
    {
        var repo = Directory.CreateDirectory(Path.Combine(scratch, "repo")).FullName;
        File.WriteAllText(Path.Combine(repo, RepositoryRoot.MarkerFile), string.Empty);
        var elsewhere = Directory.CreateDirectory(Path.Combine(scratch, "deployment")).FullName;

        RepositoryRoot.Find(elsewhere, [repo]).Should().Be(elsewhere);
    }

    [Fact]
    public void An_override_that_is_not_a_folder_is_refused_with_the_variable_named()
    {
        var act = () => RepositoryRoot.Find(Path.Combine(scratch, "missing"), []);

        act.Should().Throw<DirectoryNotFoundException>().WithMessage("*DASHBOARD_ROOT*not a folder*");
    }

    [Fact]
    public void No_solution_above_any_start_says_how_to_fix_it()
    {
        var outside = Directory.CreateDirectory(Path.Combine(scratch, "nowhere")).FullName;

        var act = () => RepositoryRoot.Find(null, [outside]);

        act.Should().Throw<DirectoryNotFoundException>().WithMessage("*Dashboard.sln*Set DASHBOARD_ROOT*");
    }
}
