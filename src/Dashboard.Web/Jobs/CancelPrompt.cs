using System.Globalization;
using Dashboard.Scheduling.Model;

namespace Dashboard.Web.Jobs;

/// <summary>The job a person asked to cancel, as the page knows it.</summary>
public sealed record CancelTarget(JobId Job, string Name, JobState State, int Gpus);

/// <summary>
/// What the cancel dialog says: "Cancel job 42 'train-resnet'? It is running on demo-gpu-01; its GPUs are released."
/// </summary>
public sealed record CancelPrompt(JobId Job, string Text, string KeepLabel, string? Title = null, string ConfirmLabel = "Cancel job")
{
    /// <summary>
    /// The prompt for cancelling several jobs at once: "Cancel 3 jobs (#4, #7, #9)? Running ones are stopped and their
    /// resources released; waiting ones leave the queue." (the first job stands for the group).
    /// </summary>
    public static CancelPrompt ForMany(IReadOnlyList<CancelTarget> targets)
    {
        ArgumentNullException.ThrowIfNull(targets);
        if (targets.Count == 0)
        {
            throw new ArgumentException("There is no job to cancel.", nameof(targets));
        }

        const int Named = 10;
        var ids = string.Join(", ", targets.Take(Named).Select(t => $"#{t.Job}"));
        var more = targets.Count > Named ? string.Create(CultureInfo.InvariantCulture, $" and {targets.Count - Named} more") : "";
        var count = string.Create(CultureInfo.InvariantCulture, $"{targets.Count} jobs");
        return new CancelPrompt(
            targets[0].Job,
            $"Cancel {count} ({ids}{more})? Running ones are stopped and their resources released; waiting ones leave the queue.",
            "Keep them",
            $"Cancel {count}?",
            $"Cancel {count}");
    }

    /// <summary>The prompt for <paramref name="target"/>, naming its node from <paramref name="snapshot"/> when it runs there.</summary>
    public static CancelPrompt For(CancelTarget target, ClusterSnapshot? snapshot)
    {
        ArgumentNullException.ThrowIfNull(target);
        var question = string.Create(CultureInfo.InvariantCulture, $"Cancel job {target.Job} '{target.Name}'?");
        if (target.State == JobState.Pending)
        {
            return new CancelPrompt(target.Job, $"{question} It has not started; it leaves the queue.", "Keep it queued");
        }

        var node = snapshot?.Running.FirstOrDefault(r => r.Job.Id == target.Job)?.Allocation.Node;
        var where = node is null ? "It is running" : $"It is running on {node}";
        var released = target.Gpus > 0 ? "its GPUs are released" : "its CPU and memory are released";
        return new CancelPrompt(target.Job, $"{question} {where}; {released}.", "Keep running");
    }
}
