using Dashboard.Scheduling.Model;
using Dashboard.Scheduling.Planning;
using Dashboard.Web.Api;

namespace Dashboard.Web.Jobs;

/// <summary>
/// An edit of a waiting job read like a submit (<see cref="SubmitFormMapping"/>): the form starts from the job as it is,
/// the fields given replace theirs, and the team cannot change (cancel and submit again to move a job). The what-if of
/// an edit asks the scheduler about the edited job in the queue without its old self.
/// </summary>
public static class JobEditing
{
    /// <summary>The form holding <paramref name="spec"/> as it is (its own name, unlike a resubmit's).</summary>
    public static SubmitForm FormOf(JobSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var form = SubmitForm.From(spec);
        form.Name = spec.Name;
        return form;
    }

    /// <summary>An API body over the job's current spec: only the fields given change.</summary>
    public static SubmitFormReading Read(JsonObjectBody body, JobSpec current)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(current);
        var form = FormOf(current);
        Overlay(body, SubmitField.Name, "Name", text: true, v => form.Name = v);
        Overlay(body, SubmitField.Command, "Command", text: true, v => form.Command = v);
        Overlay(body, SubmitField.GpuModel, "GPU model", text: true, v => form.GpuModel = v);
        Overlay(body, SubmitField.Walltime, "Walltime", text: true, v => form.Walltime = v);
        Overlay(body, SubmitField.Gpus, "GPUs", text: false, v => form.Gpus = v);
        Overlay(body, SubmitField.Cpu, "CPU", text: false, v => form.Cpu = v);
        Overlay(body, SubmitField.CpuLimit, "CPU limit", text: false, v => form.CpuLimit = v);
        Overlay(body, SubmitField.Memory, "Memory", text: false, v => form.Memory = v);
        Overlay(body, SubmitField.MemoryLimit, "Memory limit", text: false, v => form.MemoryLimit = v);
        Overlay(body, SubmitField.Priority, "Priority", text: false, v => form.Priority = v);
        var errors = new Dictionary<string, string>(body.Errors, StringComparer.Ordinal);
        if (body.Has(SubmitField.Team) && !string.Equals(body.Text(SubmitField.Team, "Team"), current.Team, StringComparison.Ordinal))
        {
            errors[SubmitField.Team] = $"An edit keeps the job's team ({current.Team}); cancel it and submit again to run it in another team.";
        }

        return SubmitFormMapping.Read(form, current.Owner, errors);
    }

    /// <summary>What would happen if the waiting job <paramref name="job"/> were as <paramref name="edited"/> now.</summary>
    public static WhatIfOutcome WhatIf(ClusterSnapshot snapshot, JobId job, JobSpec edited, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var without = snapshot.Pending.Find(job) is null ? snapshot : ClusterTransitions.CancelPending(snapshot, job);
        return Scheduling.Planning.WhatIf.Evaluate(without, edited, now);
    }

    private static void Overlay(JsonObjectBody body, string field, string label, bool text, Action<string> set)
    {
        if (body.Has(field))
        {
            set(text ? body.Text(field, label) : body.NumberText(field, label));
        }
    }
}
