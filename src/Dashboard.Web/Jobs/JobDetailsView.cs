using System.Collections.Immutable;
using System.Globalization;
using Dashboard.Data.Jobs;
using Dashboard.Engine.Feed;
using Dashboard.Scheduling.Model;
using Dashboard.Web.Cluster;

namespace Dashboard.Web.Jobs;

/// <summary>One labelled line of the job page ("Command", "python train.py").</summary>
public sealed record LabelledValue(string Key, string Label, string Value);

/// <summary>One step of a job's history: when, into which state, and why.</summary>
public sealed record TimelineStep(DateTimeOffset At, JobState State, string Text);

/// <summary>Where a job runs or ran: node, GPU indices, CPU, memory, and whether it borrows (and so may be preempted).</summary>
public sealed record AllocationView(string Node, string Gpus, string Cpu, string Memory, string Quota, bool Simulated, bool Current);

/// <summary>Why a pending job waits, and when it is expected to start.</summary>
public sealed record PendingView(string Reason, string EstimatedStart, string? AsOf = null);

/// <summary>How a job ended.</summary>
public sealed record EndView(string ExitCode, string Reason);

/// <summary>Everything the job page shows, built from the stored job and the engine's latest update.</summary>
public sealed record JobDetailsView(
    long Id,
    string Name,
    JobState State,
    ImmutableArray<LabelledValue> Spec,
    ImmutableArray<TimelineStep> Timeline,
    AllocationView? Allocation,
    PendingView? Pending,
    EndView? End,
    int Gpus,
    JobTimes? Times = null)
{
    public bool IsActive => State is JobState.Pending or JobState.Running;

    public bool IsRunning => State == JobState.Running;

    /// <summary>Whether the job ever started, so it may have written a log.</summary>
    public bool HasRun => Allocation is not null;

    public CancelTarget CancelTarget => new(new JobId(Id), Name, State, Gpus);

    public static JobDetailsView Of(JobDetails details, ClusterUpdate? update)
    {
        ArgumentNullException.ThrowIfNull(details);
        var record = details.Record;
        var job = record.Job;
        return new JobDetailsView(
            job.Id.Value,
            job.Spec.Name,
            record.State,
            SpecOf(job),
            TimelineOf(details),
            AllocationOf(details, update),
            record.State == JobState.Pending ? PendingOf(job.Id, update) : null,
            record.State.IsTerminal() ? new EndView(
                record.ExitCode is { } code ? code.ToString(CultureInfo.InvariantCulture) : "none (the job did not exit by itself)",
                record.Reason ?? EndReasonOf(record.State)) : null,
            job.Request.Gpus,
            new JobTimes(record.State, job.SubmittedAt, record.StartedAt, record.EndedAt, job.Spec.Walltime));
    }

    private static ImmutableArray<LabelledValue> SpecOf(Job job)
    {
        var spec = job.Spec;
        var request = spec.Request;
        var gpus = request.Gpus switch
        {
            0 => "no GPU",
            1 => "1 GPU",
            _ => string.Create(CultureInfo.InvariantCulture, $"{request.Gpus} GPUs"),
        };
        if (request.GpuModel is { } model)
        {
            gpus += $" ({model})";
        }

        var limits = spec.Limits is { } l
            ? string.Join(" · ", new[]
            {
                l.CpuMillicores is { } cpu ? $"CPU {Units.CoreCount(cpu)}" : null,
                l.MemoryMiB is { } memory ? $"memory {Units.Memory(memory)}" : null,
            }.Where(s => s is not null))
            : "none";
        return
        [
            new("command", "Command", spec.Command),
            new("team", "Team", spec.Team),
            new("owner", "Owner", spec.Owner),
            new("resources", "Resources", $"{gpus} · {Units.CpuCores(request.CpuMillicores)} · {Units.Memory(request.MemoryMiB)} memory"),
            new("limits", "Limits", limits),
            new("walltime", "Walltime", spec.Walltime is { } walltime ? Duration(walltime) : "none"),
            new("priority", "Priority", spec.Priority.ToString(CultureInfo.InvariantCulture)),
            new("submitted", "Submitted", Display.Time(job.SubmittedAt)),
        ];
    }

    private static ImmutableArray<TimelineStep> TimelineOf(JobDetails details)
    {
        var steps = ImmutableArray.CreateBuilder<TimelineStep>();
        steps.Add(new TimelineStep(details.Record.Job.SubmittedAt, JobState.Pending, "Submitted"));
        foreach (var change in details.Events)
        {
            var text = change.To switch
            {
                JobState.Running when change.From == JobState.Running => "Note",
                JobState.Running => "Started",
                JobState.Pending => "Back in the queue",
                _ => change.To.ToString(),
            };
            if (change.Reason is { Length: > 0 } reason)
            {
                text += ": " + reason;
            }

            steps.Add(new TimelineStep(change.At, change.To, text));
        }

        return steps.ToImmutable();
    }

    private static AllocationView? AllocationOf(JobDetails details, ClusterUpdate? update)
    {
        var id = details.Record.Job.Id;
        var snapshot = update?.Snapshot;
        var running = snapshot?.Running.FirstOrDefault(r => r.Job.Id == id);
        GpuAllocation allocation;
        bool borrowing;
        bool current;
        if (running is not null)
        {
            (allocation, borrowing, current) = (running.Allocation, running.Borrowing, true);
        }
        else if (details.Allocations.Count > 0)
        {
            var latest = details.Allocations[^1];
            (allocation, borrowing, current) = (latest.Allocation, latest.Borrowing, latest.ReleasedAt is null);
        }
        else
        {
            return null;
        }

        var simulated = snapshot?.Nodes.FirstOrDefault(n => n.Name == allocation.Node)?.Simulated ?? false;
        return new AllocationView(
            allocation.Node,
            GpuIndexRanges.Describe(allocation.GpuIndices),
            Units.CoreCount(allocation.CpuMillicores),
            Units.Memory(allocation.MemoryMiB),
            borrowing ? "borrowing idle capacity beyond the team's quota: may be preempted" : "within the team's quota: not preemptible",
            simulated,
            current);
    }

    private static PendingView PendingOf(JobId id, ClusterUpdate? update)
    {
        if (update?.Explanations.GetValueOrDefault(id) is not { } explanation)
        {
            return new PendingView("the scheduler has not looked at this job yet", "not known yet");
        }

        var estimate = explanation.EstimatedStart is { } start
            ? Display.Time(start)
            : "unknown: it waits for a job that has no walltime";
        return new PendingView(explanation.Reason.Describe(), estimate, update.ExplanationsAsOf is { } asOf ? Display.AsOf(asOf) : null);
    }

    internal static string EndReasonOf(JobState state) => state switch
    {
        JobState.Succeeded => "exited with code 0",
        JobState.Cancelled => "cancelled",
        JobState.TimedOut => "ran past its walltime",
        _ => "no reason was recorded",
    };

    private static string Duration(TimeSpan span)
    {
        var parts = new List<string>();
        if (span.Days > 0)
        {
            parts.Add($"{span.Days} d");
        }

        if (span.Hours > 0)
        {
            parts.Add($"{span.Hours} h");
        }

        if (span.Minutes > 0)
        {
            parts.Add($"{span.Minutes} min");
        }

        if (span.Seconds > 0 || parts.Count == 0)
        {
            parts.Add($"{span.Seconds} s");
        }

        return string.Join(" ", parts);
    }
}
