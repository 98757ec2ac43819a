using System.Globalization;
using System.Text;
using Dashboard.Api.Contracts;

namespace Dashboard.Cli;

/// <summary>How jobs read in a terminal: one row in a list, or every field of one job.</summary>
public static class JobText
{
    public static readonly string[] ListHeader = ["ID", "NAME", "OWNER", "TEAM", "STATE", "GPUS", "CPU", "MEM", "NODE", "SUBMITTED"];

    public static IReadOnlyList<string> Row(JobView job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return
        [
            job.Id.ToString(CultureInfo.InvariantCulture),
            job.Name,
            job.Owner,
            job.Team,
            job.State,
            job.Request.Gpus.ToString(CultureInfo.InvariantCulture),
            job.Request.Cpu.ToString("0.##", CultureInfo.InvariantCulture),
            Sizes.Format(job.Request.Memory),
            job.Allocation is { } a ? a.Node + (a.GpuIndices.Count > 0 ? "[" + string.Join(',', a.GpuIndices) + "]" : string.Empty) : "-",
            Time(job.SubmittedAt),
        ];
    }

    public static string Details(JobView job)
    {
        ArgumentNullException.ThrowIfNull(job);
        var lines = new List<(string Key, string Value)>
        {
            ("Job", $"{job.Id} {job.Name}"),
            ("State", job.State + (job.Simulated ? " (simulated node: nothing really runs)" : string.Empty)),
            ("Owner", job.Owner),
            ("Team", job.Team),
            ("Command", job.Command),
            ("Request", Request(job.Request)),
            ("Submitted", Time(job.SubmittedAt)),
        };
        if (job.StartedAt is { } started)
        {
            lines.Add(("Started", Time(started)));
        }

        if (job.Allocation is { } allocation)
        {
            var gpus = allocation.GpuIndices.Count > 0 ? " GPUs " + string.Join(',', allocation.GpuIndices) : string.Empty;
            lines.Add((allocation.Current ? "Running on" : "Ran on", $"{allocation.Node}{gpus}, {allocation.Cpu.ToString("0.##", CultureInfo.InvariantCulture)} CPU, {Sizes.Format(allocation.Memory)}" + (allocation.Borrowing ? " (borrowed capacity: preemptible)" : string.Empty)));
        }

        if (job.Pending is { } pending)
        {
            lines.Add(("Waiting", pending.Reason));
            lines.Add(("Expected start", pending.EstimatedStart is { } at ? Time(at) : "unknown"));
        }

        if (job.EndedAt is { } ended)
        {
            lines.Add(("Ended", Time(ended)));
        }

        if (job.ExitCode is { } code)
        {
            lines.Add(("Exit code", code.ToString(CultureInfo.InvariantCulture)));
        }

        if (job.EndReason is { } reason)
        {
            lines.Add(("Reason", reason));
        }

        var width = lines.Max(l => l.Key.Length) + 1;
        var text = new StringBuilder();
        foreach (var (key, value) in lines)
        {
            text.Append((key + ":").PadRight(width + 1)).Append(value).Append('\n');
        }

        return text.ToString();
    }

    public static string Request(JobRequestView request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{request.Gpus} GPU{(request.Gpus == 1 ? string.Empty : "s")}");
        if (request.GpuModel is { } model)
        {
            text.Append(" (").Append(model).Append(')');
        }

        text.Append(CultureInfo.InvariantCulture, $", {request.Cpu.ToString("0.##", CultureInfo.InvariantCulture)} CPU, {Sizes.Format(request.Memory)}");
        text.Append(", walltime ").Append(request.Walltime ?? "none");
        if (request.Priority != 0)
        {
            text.Append(CultureInfo.InvariantCulture, $", priority {request.Priority}");
        }

        return text.ToString();
    }

    /// <summary>UTC, to the second: the same in every terminal and log.</summary>
    public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Whether a job in <paramref name="state"/> is over (it will not run again).</summary>
    public static bool IsFinal(string state) => state is "Succeeded" or "Failed" or "Cancelled" or "TimedOut" or "Rejected";
}
