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
}
