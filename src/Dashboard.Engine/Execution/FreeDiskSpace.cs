namespace Dashboard.Engine.Execution;

/// <summary>Where the free space of a filesystem is read: the real filesystem, or a fake one in tests.</summary>
public interface IFreeDiskSpace
{
    /// <summary>The bytes an unprivileged writer may still use on the filesystem that holds <paramref name="path"/>; null when it cannot be read.</summary>
    long? AvailableBytes(string path);
}

/// <summary>The free space statvfs reports (what <c>df</c> calls Avail: the blocks reserved for root not counted).</summary>
public sealed class FileSystemFreeSpace : IFreeDiskSpace
{
    public static FileSystemFreeSpace Instance { get; } = new();

    public long? AvailableBytes(string path)
    {
        try
        {
            return new DriveInfo(Path.GetFullPath(path)).AvailableFreeSpace;
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }
    }
}
