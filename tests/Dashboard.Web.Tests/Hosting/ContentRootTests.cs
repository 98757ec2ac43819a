using Dashboard.Web.Hosting;

namespace Dashboard.Web.Tests.Hosting;

public sealed class ContentRootTests : IDisposable
{
    private readonly string scratch = Directory.CreateTempSubdirectory("dashboard-root-").FullName;

    /// <summary>A build output without appsettings.json next to it, as in the repository.</summary>
    private string BuildOutput => Directory.CreateDirectory(Path.Combine(scratch, "build-output")).FullName;

    public void Dispose() => Directory.Delete(scratch, recursive: true);

    [Fact]
    public void Finds_the_nearest_folder_holding_the_solution_above_the_start()
    {
        var repo = Directory.CreateDirectory(Path.Combine(scratch, "repo")).FullName;
        File.WriteAllText(Path.Combine(repo, ContentRoot.RepositoryMarkerFile), string.Empty);
        var deep = Directory.CreateDirectory(Path.Combine(repo, "src", "Dashboard.Web", "bin", "Debug", "net10.0")).FullName;

        ContentRoot.Find(null, deep, [deep]).Should().Be(repo);
    }

    [Fact]
    public void Tries_the_next_start_folder_when_the_first_is_outside_any_repository()
    {
        var outside = Directory.CreateDirectory(Path.Combine(scratch, "published")).FullName;
        var repo = Directory.CreateDirectory(Path.Combine(scratch, "repo")).FullName;
        File.WriteAllText(Path.Combine(repo, ContentRoot.RepositoryMarkerFile), string.Empty);

        ContentRoot.Find(null, outside, [outside, repo]).Should().Be(repo);
    }

    [Fact]
    public void A_published_app_with_its_settings_beside_it_runs_from_its_own_folder_even_inside_a_repository()
    {
        var repo = Directory.CreateDirectory(Path.Combine(scratch, "repo")).FullName;
        File.WriteAllText(Path.Combine(repo, ContentRoot.RepositoryMarkerFile), string.Empty);
        var published = Directory.CreateDirectory(Path.Combine(repo, "artifacts", "publish")).FullName;
        File.WriteAllText(Path.Combine(published, ContentRoot.PublishedMarkerFile), "{}");

        ContentRoot.Find(null, published + Path.DirectorySeparatorChar, [published, repo]).Should().Be(published);
    }

    [Fact]
    public void The_override_wins_over_a_published_folder()
    {
        var published = Directory.CreateDirectory(Path.Combine(scratch, "published")).FullName;
        File.WriteAllText(Path.Combine(published, ContentRoot.PublishedMarkerFile), "{}");
        var elsewhere = Directory.CreateDirectory(Path.Combine(scratch, "deployment")).FullName;

        ContentRoot.Find(elsewhere, published, [published]).Should().Be(elsewhere);
    }

    [Fact]
    public void The_override_wins_over_the_search()
    {
        var repo = Directory.CreateDirectory(Path.Combine(scratch, "repo")).FullName;
        File.WriteAllText(Path.Combine(repo, ContentRoot.RepositoryMarkerFile), string.Empty);
        var elsewhere = Directory.CreateDirectory(Path.Combine(scratch, "deployment")).FullName;

        ContentRoot.Find(elsewhere, BuildOutput, [repo]).Should().Be(elsewhere);
    }

    [Fact]
    public void An_override_that_is_not_a_folder_is_refused_with_the_variable_named()
    {
        var act = () => ContentRoot.Find(Path.Combine(scratch, "missing"), BuildOutput, []);

        act.Should().Throw<DirectoryNotFoundException>().WithMessage("*DASHBOARD_ROOT*not a folder*");
    }

    [Fact]
    public void No_solution_above_any_start_says_how_to_fix_it()
    {
        var outside = Directory.CreateDirectory(Path.Combine(scratch, "nowhere")).FullName;

        var act = () => ContentRoot.Find(null, outside, [outside]);

        act.Should().Throw<DirectoryNotFoundException>().WithMessage("*no appsettings.json next to the app*Dashboard.sln*Set DASHBOARD_ROOT*");
    }
}
