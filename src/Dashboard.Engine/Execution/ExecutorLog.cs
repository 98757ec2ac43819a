using Dashboard.Scheduling.Model;
using Microsoft.Extensions.Logging;

namespace Dashboard.Engine.Execution;

internal static partial class ExecutorLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Job {Job} started as process group {Pid} on GPUs [{Gpus}]")]
    public static partial void Started(ILogger logger, JobId job, int pid, string gpus);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {Job} re-adopted: process group {Pid} is still running")]
    public static partial void Adopted(ILogger logger, JobId job, int pid);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {Job} ignored SIGTERM for {Grace}; sending SIGKILL")]
    public static partial void Killing(ILogger logger, JobId job, TimeSpan grace);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {Job} is stopped for the disk: {Reason}")]
    public static partial void DiskStop(ILogger logger, JobId job, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A check of the local jobs' disk failed; the next one runs as usual")]
    public static partial void DiskCheckFailed(ILogger logger, Exception error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The local node's drain for a nearly full disk could not be recorded")]
    public static partial void DrainNotRecorded(ILogger logger, Exception error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The exit of job {Job} could not be reported")]
    public static partial void ExitNotReported(ILogger logger, Exception error, JobId job);
}
