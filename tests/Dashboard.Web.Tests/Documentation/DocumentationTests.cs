namespace Dashboard.Web.Tests.Documentation;

/// <summary>The README stays a user's README, its set-up commands stay the ones CI runs, and no documentation link is broken.</summary>
public sealed class DocumentationTests
{
    private const string RunCommand = "dotnet run --project src/Dashboard.Web";
    private const string TestCommand = "dotnet test Dashboard.sln";

    [Fact]
    public void The_README_is_short_and_gives_exactly_the_two_set_up_commands_in_one_block()
    {
        var readme = MarkdownDocument.Read(TopLevelFolder.File("README.md"));
        var lines = readme.Text.Split('\n');

        lines.Length.Should().BeLessThanOrEqualTo(300, "details belong in docs/ and bench/README.md");
        var block = string.Join('\n', lines.SkipWhile(l => l != "## Set up").SkipWhile(l => l != "```sh").Skip(1).TakeWhile(l => l != "```"));
        block.Should().Be($"{RunCommand}\n{TestCommand}");
    }

    [Fact]
    public void CI_runs_the_README_test_command()
    {
        File.ReadAllText(TopLevelFolder.File(".ci", "run")).Should().Contain($"{TestCommand} ", "CI must run what the README tells a newcomer to run");
    }

    [Fact]
    public void Every_relative_link_in_the_documentation_points_to_an_existing_file_and_heading()
    {
        var documents = DocumentationFiles().Select(MarkdownDocument.Read).ToDictionary(d => Path.GetFullPath(d.Path));
        documents.Should().ContainKey(Path.GetFullPath(TopLevelFolder.File("docs", "README.md")), "docs/ has an index");
        var broken = new List<string>();
        foreach (var document in documents.Values)
        {
            foreach (var link in document.Links)
            {
                var (file, anchor) = Split(link);
                var target = file.Length == 0 ? document.Path : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(document.Path)!, Uri.UnescapeDataString(file)));
                var where = $"{Path.GetRelativePath(TopLevelFolder.Path, document.Path)}: ({link})";
                if (!File.Exists(target) && !Directory.Exists(target))
                {
                    broken.Add($"{where} points to a missing file");
                    continue;
                }

                if (anchor is not null && target.EndsWith(".md", StringComparison.Ordinal))
                {
                    var anchors = documents.TryGetValue(target, out var linked) ? linked.Anchors : MarkdownDocument.Read(target).Anchors;
                    if (!anchors.Contains(anchor))
                    {
                        broken.Add($"{where} names no heading of {Path.GetRelativePath(TopLevelFolder.Path, target)}");
                    }
                }
            }
        }

        broken.Should().BeEmpty();
    }

    [Fact]
    public void The_link_check_finds_a_missing_file_and_a_missing_heading()
    {
        var scratch = Directory.CreateTempSubdirectory("dashboard-links-").FullName;
        try
        {
            var file = Path.Combine(scratch, "page.md");
            File.WriteAllText(file, "# A page\n\n## Second part\n\n[ok](#second-part) [gone](missing.md) [bad](#third) ![img](pic.png)\n\n```sh\n[not a link](nowhere.md)\n```\n`[code](nowhere.md)` [web](https://example.com)\n");
            var document = MarkdownDocument.Read(file);

            document.Links.Should().Equal("#second-part", "missing.md", "#third", "pic.png");
            document.Anchors.Should().BeEquivalentTo(["a-page", "second-part"]);
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    private static IEnumerable<string> DocumentationFiles() =>
        [TopLevelFolder.File("README.md"), TopLevelFolder.File("bench", "README.md"), .. Directory.GetFiles(TopLevelFolder.File("docs"), "*.md")];

    private static (string File, string? Anchor) Split(string link)
    {
        var hash = link.IndexOf('#', StringComparison.Ordinal);
        return hash < 0 ? (link, null) : (link[..hash], link[(hash + 1)..]);
    }
}
