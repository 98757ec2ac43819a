using System.Diagnostics;

namespace Dashboard.Web.Tests.Publishing;

/// <summary>
/// <c>dotnet publish</c> of src/Dashboard.Web into a temporary folder, once for the test class. It publishes the build
/// the tests already made (<c>--no-build</c>, same configuration), so it copies rather than compiles.
/// </summary>
public sealed class PublishedApp : IAsyncLifetime
{
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    private static readonly TimeSpan PublishPatience = TimeSpan.FromMinutes(5);

    private readonly string scratch = Directory.CreateTempSubdirectory("dashboard-publish-").FullName;

    /// <summary>The publish output: the folder a deployment copies and runs.</summary>
    public string Folder => Path.Combine(scratch, "app");

    /// <summary>A folder outside the repository and outside the publish output, for the app's data and working directory.</summary>
    public string Outside => Path.Combine(scratch, "outside");

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(Outside);
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = TopLevelFolder.Path,
        };
        foreach (var arg in new[] { "publish", TopLevelFolder.File("src", "Dashboard.Web", "Dashboard.Web.csproj"), "-c", Configuration, "--no-build", "-o", Folder, "--nologo" })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(PublishPatience);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet publish exited with {process.ExitCode}:\n{await output}\n{await error}");
        }
    }

    public ValueTask DisposeAsync()
    {
        Directory.Delete(scratch, recursive: true);
        return ValueTask.CompletedTask;
    }
}
