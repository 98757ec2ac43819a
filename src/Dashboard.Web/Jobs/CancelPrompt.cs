using System.Globalization;
using Dashboard.Scheduling.Model;

namespace Dashboard.Web.Jobs;

/// <summary>The job a person asked to cancel, as the page knows it.</summary>
public sealed record CancelTarget(JobId Job, string Name, JobState State, int Gpus);

/// <summary>
/// What the cancel dialog says: "Cancel job 42 'train-resnet'? It is running on demo-gpu-01; its GPUs are released."
/// </summary>
public sealed record CancelPrompt(JobId Job, string Text, string KeepLabel)
{
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
