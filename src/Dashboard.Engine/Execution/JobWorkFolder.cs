using System.Globalization;
using Dashboard.Engine.Execution.Isolation;
using Dashboard.Scheduling.Model;

namespace Dashboard.Engine.Execution;

/// <summary>
/// A job's own folder on the local host, the only place it may write: its output log and whatever scratch files it
/// makes. Nothing the executor trusts lives here (see <see cref="JobRecordsFolder"/>): the job owns this folder.
/// </summary>
public sealed class JobWorkFolder(string jobsRoot, JobId job)
{
    public const string LogFileName = "output.log";

    /// <summary>Jobs may pass through the jobs folder to their own, but not list it.</summary>
    private const UnixFileMode RootMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    public string Path { get; } = System.IO.Path.Combine(jobsRoot, job.Value.ToString(CultureInfo.InvariantCulture));

    public string LogPath => System.IO.Path.Combine(Path, LogFileName);

    /// <summary>Creates the folder (mode 0700) and its log, both belonging to <paramref name="owner"/> when given.</summary>
    public void Create(UnixAccount? owner = null)
    {
        var root = System.IO.Path.GetDirectoryName(Path)!;
        Directory.CreateDirectory(root);
        UnixFiles.SetMode(root, RootMode);
        Directory.CreateDirectory(Path);
        UnixFiles.SetMode(Path, OwnerOnly);
        // Shared opening: on Unix .NET takes an exclusive flock for FileShare.None, which would refuse a follower that
        // reads the log at that moment (and be refused by one that holds it open).
        using (new FileStream(LogPath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete))
        {
        }

        UnixFiles.SetMode(LogPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        if (owner is not null)
        {
            UnixFiles.Chown(Path, owner.Uid, owner.Gid);
            UnixFiles.Chown(LogPath, owner.Uid, owner.Gid);
        }
    }
}
