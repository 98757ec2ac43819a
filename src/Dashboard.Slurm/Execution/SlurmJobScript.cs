using System.Globalization;
using Dashboard.Engine.Execution;
using Dashboard.Slurm.Rest;

namespace Dashboard.Slurm.Execution;

/// <summary>
/// The Slurm batch job a dashboard job becomes: its command as a bash script, the resources the dashboard's plan gave
/// it (GPUs through gres, with the model when one was asked; CPUs; memory), a time limit a minute past its walltime
/// (the dashboard ends it at its walltime itself; Slurm's limit, in whole minutes, is the backstop), its folder as
/// working directory and output.log there, and the dashboard's job id in the environment and the comment. Pinned to
/// the planned node by its node list, in the submit itself.
/// </summary>
public static class SlurmJobScript
{
    private const string CommentPrefix = "dashboard job ";

    public static SlurmSubmission For(JobLaunch launch, string partition, string workFolder, string logPath)
    {
        ArgumentNullException.ThrowIfNull(launch);
        var job = launch.Job;
        var id = job.Id.Value.ToString(CultureInfo.InvariantCulture);
        var request = job.Request;
        var gpus = launch.Allocation.GpuIndices.Length;
        var minutes = TimeLimitOf(job.Spec.Walltime);
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PATH"] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            ["DASHBOARD_JOB_ID"] = id,
            ["DASHBOARD_JOB_NAME"] = job.Spec.Name,
            ["DASHBOARD_JOB_OWNER"] = job.Spec.Owner,
            ["DASHBOARD_JOB_TEAM"] = job.Team,
        };
        var properties = new SlurmJobProperties(
            Name: $"dash-{id}-{job.Spec.Name}",
            Partition: partition,
            NodeList: launch.Allocation.Node,
            Comment: CommentPrefix + id,
            CpusPerTask: (int)Math.Max(1, Math.Ceiling(launch.Allocation.CpuMillicores / 1000.0)),
            MemoryPerNode: Math.Max(1, launch.Allocation.MemoryMiB),
            TimeLimit: minutes,
            CurrentWorkingDirectory: workFolder,
            StandardOutput: logPath,
            Environment: environment)
        {
            Gres = gpus == 0 ? null : request.GpuModel is { Length: > 0 } model ? $"gpu:{model}:{gpus}" : $"gpu:{gpus}",
        };
        return new SlurmSubmission("#!/bin/bash\n" + job.Spec.Command + "\n", properties);
    }

    /// <summary>Slurm's time limit for a walltime: whole minutes, one past the walltime (null: none).</summary>
    public static int? TimeLimitOf(TimeSpan? walltime) => walltime is { } w ? (int)Math.Ceiling(w.TotalMinutes) + 1 : null;

    /// <summary>The dashboard job id a Slurm job carries in its comment; null for a job submitted outside the dashboard.</summary>
    public static long? DashboardJobOf(SlurmJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return job.Comment is { } comment && comment.StartsWith(CommentPrefix, StringComparison.Ordinal)
            && long.TryParse(comment.AsSpan(CommentPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? id
            : null;
    }
}
