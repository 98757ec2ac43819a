using Dashboard.Engine.Execution.Isolation;

namespace Dashboard.Engine.Execution;

/// <summary>The "Executor" section of appsettings.json.</summary>
public sealed class LocalExecutorOptions
{
    public const string Section = "Executor";

    /// <summary>Where each job's own folder (its output log and scratch) lives; relative paths are under the data folder.</summary>
    public string JobsFolder { get; set; } = "jobs";

    /// <summary>Where the records the executor trusts (launch record, exit code) live, out of the jobs' reach; relative paths are under the data folder.</summary>
    public string RecordsFolder { get; set; } = "job-records";

    /// <summary>Time between SIGTERM and SIGKILL when a job is cancelled or reaches its walltime.</summary>
    public TimeSpan KillGracePeriod { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Time between SIGTERM and SIGKILL when a job is preempted (stopped and put back in its queue), in seconds: long
    /// enough to write a checkpoint. The job reads it from DASHBOARD_PREEMPT_GRACE.
    /// </summary>
    public int PreemptGraceSeconds { get; set; } = 60;

    /// <summary>How often a job adopted after a restart (not our child process) is checked for its exit.</summary>
    public TimeSpan AdoptedPollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Where there are no cgroups: pin each job to as many CPU cores as its CPU limit (or request) with taskset.</summary>
    public bool PinCpus { get; set; } = true;

    /// <summary>Cap each job's memory at its memory limit: the cgroup's memory limit, or prlimit (RLIMIT_DATA) where there are no cgroups.</summary>
    public bool LimitMemory { get; set; } = true;

    /// <summary>
    /// The most processes and threads one local job may have at once (its cgroup's pids.max; a fork past it fails
    /// inside the job), so a fork bomb cannot take the host's process ids from the server and other jobs. 0: no limit.
    /// Without cgroups there is no such limit.
    /// </summary>
    public int MaxProcessesPerJob { get; set; } = 8192;

    /// <summary>
    /// The most disk one local job may use, in bytes (default 20 GiB; 0: no limit). No single file of the job can grow
    /// past it (the kernel's RLIMIT_FSIZE: the write fails with EFBIG, "File too large"), and a job whose folder (every
    /// file in it, links not followed, counted by the blocks they take) holds more is stopped and ends Failed with the
    /// size it wrote as its reason. The folder is measured every <see cref="DiskCheckInterval"/>.
    /// </summary>
    public long MaxJobDiskBytes { get; set; } = 20L * 1024 * 1024 * 1024;

    /// <summary>
    /// The least free space, in bytes, the filesystems of the data folder's jobs and records folders keep (default
    /// 2 GiB; 0: no floor), so the server's own writes (the database, its logs) keep room: under it the local node is
    /// drained, and while the free space still falls the running local job whose folder grew the most since the
    /// previous check (the largest, at the first check) is stopped with that as its reason, one per check. A stopped
    /// job's folder stays, so once nobody writes any more the other jobs go on and new ones wait for space.
    /// </summary>
    public long MinFreeDiskBytes { get; set; } = 2L * 1024 * 1024 * 1024;

    /// <summary>How often the running local jobs' folders and the free space are measured (default 5 s; more than 0, at most a day).</summary>
    public TimeSpan DiskCheckInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// What is wrong with the disk settings, one sentence each (none: they are usable): a negative size, or a check
    /// interval that would turn the measurement off without a word (0 or less) or that a timer cannot hold (over a day).
    /// </summary>
    public IReadOnlyList<string> DiskSettingErrors()
    {
        var errors = new List<string>();
        if (MaxJobDiskBytes < 0)
        {
            errors.Add("Executor:MaxJobDiskBytes must be 0 (no limit) or more");
        }

        if (MinFreeDiskBytes < 0)
        {
            errors.Add("Executor:MinFreeDiskBytes must be 0 (no floor) or more");
        }

        if ((MaxJobDiskBytes > 0 || MinFreeDiskBytes > 0) && (DiskCheckInterval <= TimeSpan.Zero || DiskCheckInterval > TimeSpan.FromDays(1)))
        {
            errors.Add($"Executor:DiskCheckInterval must be more than 0 and at most a day while a disk limit is on (it is {DiskCheckInterval}); set MaxJobDiskBytes and MinFreeDiskBytes to 0 to turn the limits off");
        }

        return errors;
    }

    /// <summary>Which isolation local jobs must have: Auto (the strongest this host allows), Owner, Sandbox or Refuse.</summary>
    public IsolationSetting Isolation { get; set; } = IsolationSetting.Auto;

    /// <summary>The bubblewrap program (Debian package bubblewrap).</summary>
    public string BwrapPath { get; set; } = "bwrap";

    /// <summary>Host folders a sandboxed job may write besides its own folder (data sets, scratch space); everything else outside the hidden folders is read-only.</summary>
    public List<string> SharedPaths { get; set; } = [];

    /// <summary>
    /// The folders of munge's socket (default /run/munge; the folder of the socket slurm.conf's <c>AuthInfo=socket=</c>
    /// names is added). munge vouches for whoever connects as their Unix user: in Sandbox mode a job runs as the
    /// server's user, whom Slurm trusts as an operator, so these folders are an empty tmpfs in its sandbox. In Owner
    /// mode a job keeps munge: it reaches Slurm as its own user.
    /// </summary>
    public List<string> MungeSocketFolders { get; set; } = ["/run/munge"];

    /// <summary>Account name to Unix user, for accounts whose Unix user is not named like the account (Owner mode).</summary>
    public Dictionary<string, string> UnixUsers { get; set; } = [];

    /// <summary>The Unix user a job runs as when its account's Unix user does not exist on this host; empty refuses such jobs.</summary>
    public string FallbackUnixUser { get; set; } = "nobody";
}
