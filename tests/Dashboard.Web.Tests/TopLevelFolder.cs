using System.Runtime.CompilerServices;

namespace Dashboard.Web.Tests;

/// <summary>The repository's top level, worked out from this source file's own path (independently of the code under test).</summary>
internal static class TopLevelFolder
{
    public static string Path { get; } = Locate();

    public static string File(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    private static string Locate([CallerFilePath] string thisFile = "") =>
        System.IO.Path.GetFullPath(System.IO.Path.Combine(System.IO.Path.GetDirectoryName(thisFile)!, "..", ".."));
}
