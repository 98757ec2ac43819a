namespace Dashboard.Engine.Execution;

/// <summary>The "Executor" section of appsettings.json.</summary>
public sealed class LocalExecutorOptions
{
    public const string Section = "Executor";

    /// <summary>Where each job's folder (wrapper, log, exit code) lives; relative paths are under the data folder.</summary>
    public string JobsFolder { get; set; } = "jobs";

    /// <summary>Time between SIGTERM and SIGKILL when a job is cancelled or reaches its walltime.</summary>
    public TimeSpan KillGracePeriod { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often a job adopted after a restart (not our child process) is checked for its exit.</summary>
    public TimeSpan AdoptedPollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Pin each job to as many CPU cores as its CPU limit (or request) with taskset.</summary>
    public bool PinCpus { get; set; } = true;

    /// <summary>Cap each job's data segment at its memory limit with prlimit (RLIMIT_DATA).</summary>
    public bool LimitMemory { get; set; } = true;
}
