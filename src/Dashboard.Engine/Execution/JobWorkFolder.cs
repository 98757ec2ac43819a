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

    /// <summary>
    /// Creates the folder (mode 0700) and its log, both belonging to <paramref name="owner"/> when given. On a
    /// restart (requeue, preemption) the folder is the job's own already, and so is whatever name is in it: the log is
    /// kept only when it is still a plain file; a link (to the database, /etc/passwd, ...) or anything else the last
    /// attempt put in its place is removed and a new log made, and the log's owner and mode are set on the open file,
    /// never through a name, so the server (as root) never gives away or writes a file the job pointed it to.
    /// </summary>
    public void Create(UnixAccount? owner = null)
    {
        var root = System.IO.Path.GetDirectoryName(Path)!;
        Directory.CreateDirectory(root);
        UnixFiles.SetMode(root, RootMode);
        Directory.CreateDirectory(Path);
        UnixFiles.SetMode(Path, OwnerOnly);
        if (OperatingSystem.IsWindows())
        {
            using (new FileStream(LogPath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete))
            {
            }

            return;
        }

        var log = UnixFiles.OpenJobOwnedFile(LogPath, write: true);
        if (log is null)
        {
            UnixFiles.RemoveName(LogPath);
            log = UnixFiles.CreateNewFile(LogPath, LogMode);
        }

        using (log)
        {
            UnixFiles.SetOwnerAndMode(log, owner?.Uid, owner?.Gid, LogMode);
        }

        if (owner is not null)
        {
            UnixFiles.Chown(Path, owner.Uid, owner.Gid);
        }
    }

    private const UnixFileMode LogMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
}
