namespace Dashboard.Web.Hosting;

/// <summary>
/// Finds the dashboard's content root: the folder whose <c>appsettings.json</c> it reads, whose <c>wwwroot/</c> it
/// serves and under which relative settings (the data folder) lie. A published build holds
/// <see cref="PublishedMarkerFile"/> next to its binaries and runs from that folder; a build inside the repository
/// (<c>dotnet run</c>, a test host, <c>bin/</c>) runs from the repository's top level, the folder holding
/// <see cref="RepositoryMarkerFile"/>, so it reads the real top-level settings rather than copies.
/// </summary>
internal static class ContentRoot
{
    /// <summary>What a published build has next to its binaries (the repository's build output does not).</summary>
    public const string PublishedMarkerFile = "appsettings.json";

    /// <summary>What marks the repository's top level.</summary>
    public const string RepositoryMarkerFile = "Dashboard.sln";

    /// <summary>Set this environment variable to a folder to use it as the root instead of searching.</summary>
    public const string OverrideVariable = "DASHBOARD_ROOT";

    /// <summary>
    /// The root for this process: <see cref="OverrideVariable"/> when set, else the app's own folder when it is a
    /// published build, else a search up from the app's binaries, then from the current directory.
    /// </summary>
    public static string ForThisProcess() =>
        Find(Environment.GetEnvironmentVariable(OverrideVariable), AppContext.BaseDirectory, [AppContext.BaseDirectory, Directory.GetCurrentDirectory()]);

    /// <summary>
    /// <paramref name="overridePath"/> when given (it must be an existing folder); otherwise
    /// <paramref name="appFolder"/> when it holds <see cref="PublishedMarkerFile"/>; otherwise the nearest folder at or
    /// above one of <paramref name="startFolders"/>, tried in order, that holds <see cref="RepositoryMarkerFile"/>.
    /// </summary>
    public static string Find(string? overridePath, string appFolder, IReadOnlyList<string> startFolders)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(appFolder);
        ArgumentNullException.ThrowIfNull(startFolders);
        if (!string.IsNullOrWhiteSpace(overridePath))
        {
            var folder = Path.GetFullPath(overridePath);
            return Directory.Exists(folder)
                ? folder
                : throw new DirectoryNotFoundException($"{OverrideVariable} is set to '{overridePath}', which is not a folder.");
        }

        var published = Path.GetFullPath(appFolder);
        if (File.Exists(Path.Combine(published, PublishedMarkerFile)))
        {
            return Path.TrimEndingDirectorySeparator(published);
        }

        foreach (var start in startFolders)
        {
            for (var folder = new DirectoryInfo(Path.GetFullPath(start)); folder is not null; folder = folder.Parent)
            {
                if (File.Exists(Path.Combine(folder.FullName, RepositoryMarkerFile)))
                {
                    return folder.FullName;
                }
            }
        }

        throw new DirectoryNotFoundException(
            $"Could not find the content root: no {PublishedMarkerFile} next to the app in {published}, and no " +
            $"{RepositoryMarkerFile} above {string.Join(" or ", startFolders)}. " +
            $"Set {OverrideVariable} to the folder that holds appsettings.json and wwwroot/.");
    }
}
