using System.Globalization;
using System.Text.RegularExpressions;

namespace Dashboard.Data.Schema;

/// <summary>The migrations of the top-level <c>db/</c> folder, embedded in this assembly at build time.</summary>
public static partial class BundledMigrations
{
    private const string ResourcePrefix = "db/";

    /// <summary>Every migration in version order; versions run 1, 2, 3, ... without gaps.</summary>
    public static IReadOnlyList<Migration> All { get; } = Load();

    public static int LatestVersion => All[^1].Version;

    /// <summary>Parses <c>NNNN_name.sql</c> files into migrations and checks the numbering is contiguous from 0001.</summary>
    public static IReadOnlyList<Migration> FromFiles(IEnumerable<(string FileName, string Sql)> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        var migrations = new List<Migration>();
        foreach (var (fileName, sql) in files)
        {
            var match = FileNamePattern().Match(fileName);
            if (!match.Success)
            {
                throw new InvalidOperationException($"Migration file {fileName} is not named NNNN_name.sql (four digits, lower-case name).");
            }

            var version = int.Parse(match.Groups["version"].Value, CultureInfo.InvariantCulture);
            migrations.Add(new Migration(version, match.Groups["name"].Value, sql));
        }

        migrations.Sort((a, b) => a.Version.CompareTo(b.Version));
        for (var i = 0; i < migrations.Count; i++)
        {
            if (migrations[i].Version != i + 1)
            {
                throw new InvalidOperationException(
                    $"Migration numbering must run 0001, 0002, ... without gaps or repeats; found {migrations[i].FileName} at position {i + 1}.");
            }
        }

        return migrations.Count == 0 ? throw new InvalidOperationException("There are no migrations.") : migrations;
    }

    private static List<Migration> Load()
    {
        var assembly = typeof(BundledMigrations).Assembly;
        var files = new List<(string, string)>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            files.Add((resource[ResourcePrefix.Length..], reader.ReadToEnd()));
        }

        return [.. FromFiles(files)];
    }

    [GeneratedRegex(@"^(?<version>\d{4})_(?<name>[a-z0-9_]+)\.sql$", RegexOptions.CultureInvariant)]
    private static partial Regex FileNamePattern();
}
