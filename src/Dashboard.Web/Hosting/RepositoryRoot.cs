namespace Dashboard.Web.Hosting;

/// <summary>
/// Finds the repository's top-level folder, the one holding <see cref="MarkerFile"/>. The dashboard runs with it as
/// content root, so it reads the real top-level <c>appsettings.json</c> and serves the top-level <c>wwwroot/</c>
/// whether it was started with <c>dotnet run</c>, from a test host or from its build output.
/// </summary>
internal static class RepositoryRoot
{
    public const string MarkerFile = "Dashboard.sln";

    /// <summary>Set this environment variable to a folder to use it as the root instead of searching.</summary>
    public const string OverrideVariable = "DASHBOARD_ROOT";

    /// <summary>The root for this process: <see cref="OverrideVariable"/> when set, else a search up from the app's binaries, then from the current directory.</summary>
    public static string ForThisProcess() =>
        Find(Environment.GetEnvironmentVariable(OverrideVariable), [AppContext.BaseDirectory, Directory.GetCurrentDirectory()]);

    /// <summary>
    /// <paramref name="overridePath"/> when given (it must be an existing folder); otherwise the nearest folder at or
    /// above one of <paramref name="startFolders"/>, tried in order, that holds <see cref="MarkerFile"/>.
    /// </summary>
    public static string Find(string? overridePath, IReadOnlyList<string> startFolders)
    {
        ArgumentNullException.ThrowIfNull(startFolders);
        if (!string.IsNullOrWhiteSpace(overridePath))
        {
            var folder = Path.GetFullPath(overridePath);
            return Directory.Exists(folder)
                ? folder
                : throw new DirectoryNotFoundException($"{OverrideVariable} is set to '{overridePath}', which is not a folder.");
        }

        foreach (var start in startFolders)
        {
            for (var folder = new DirectoryInfo(Path.GetFullPath(start)); folder is not null; folder = folder.Parent)
            {
                if (File.Exists(Path.Combine(folder.FullName, MarkerFile)))
                {
                    return folder.FullName;
                }
            }
        }

        throw new DirectoryNotFoundException(
            $"Could not find the repository root (the folder holding {MarkerFile}) above {string.Join(" or ", startFolders)}. " +
            $"Set {OverrideVariable} to the folder that holds appsettings.json and wwwroot/.");
    }
}
