namespace Dashboard.Web.Tests.Api;

/// <summary>The API shares the pages' readers through the feature folders (Jobs, Quotas), never by importing the UI.</summary>
public sealed class ApiLayeringTests
{
    [Fact]
    public void No_api_source_file_uses_the_components_namespace()
    {
        var folder = TopLevelFolder.File("src", "Dashboard.Web", "Api");

        var importing = Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories)
            .Where(file => File.ReadAllText(file).Contains("Dashboard.Web.Components", StringComparison.Ordinal))
            .Select(Path.GetFileName);

        Directory.EnumerateFiles(folder, "*.cs").Should().NotBeEmpty("the API's folder is where this test looks");
        importing.Should().BeEmpty();
    }

    [Fact]
    public void No_endpoint_file_in_a_feature_folder_uses_the_components_namespace_or_MudBlazor()
    {
        // The endpoints sit beside their feature's pages (Jobs/, Cluster/, Quotas/, ...); they still read requests
        // through the feature's own readers, never through the UI shell or the UI library.
        var web = TopLevelFolder.File("src", "Dashboard.Web");
        var endpointFiles = Directory.EnumerateFiles(web, "*.cs", SearchOption.AllDirectories)
            .Where(file => !file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !file.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(file => File.ReadAllText(file) is var text
                && (text.Contains("RouteGroupBuilder", StringComparison.Ordinal) || text.Contains("IEndpointRouteBuilder", StringComparison.Ordinal)))
            .ToList();

        endpointFiles.Select(Path.GetFileName).Should().Contain(["JobEndpoints.cs", "ClusterEndpoints.cs", "TeamEndpoints.cs"]);
        endpointFiles.Where(file => File.ReadAllText(file) is var text
                && (text.Contains("Dashboard.Web.Components", StringComparison.Ordinal) || text.Contains("MudBlazor", StringComparison.Ordinal)))
            .Select(Path.GetFileName)
            .Should().BeEmpty();
    }
}
