using Dashboard.Engine.Feed;
using Dashboard.Engine.Loop;
using Dashboard.Scheduling.Model;

namespace Dashboard.Web.Jobs;

/// <summary>
/// The job page's edit of a waiting job as typed: the Submit form's fields and reading (<see cref="SubmitFormMapping"/>),
/// with the team fixed, the what-if for the edited job, and the engine's refusal once a save was tried.
/// </summary>
public sealed class JobEditDraft(Job job)
{
    public SubmitForm Form { get; } = JobEditing.FormOf(job?.Spec ?? throw new ArgumentNullException(nameof(job)));

    public JobId Id => job.Id;

    public string Team => job.Team;

    /// <summary>The engine's answer to the last save when it refused (its reason and field errors).</summary>
    public CommandResult? Refusal { get; set; }

    public SubmitFormReading Reading => SubmitFormMapping.Read(Form, job.Spec.Owner);

    /// <summary>A field's message: the form's reading first, then the engine's refusal.</summary>
    public string? ErrorOf(string field) =>
        Reading.FieldErrors.GetValueOrDefault(field) ?? Refusal?.Errors.FirstOrDefault(e => e.Field == field)?.Message;

    /// <summary>What the edited job would do now, on <paramref name="update"/>'s cluster.</summary>
    public WhatIfView WhatIf(ClusterUpdate? update, DateTimeOffset now) =>
        update is null ? WhatIfView.WaitingForEngine
            : SubmitFormMapping.ReadForWhatIf(Form, job.Spec.Owner) is not { } spec ? WhatIfView.Invalid
            : WhatIfView.Of(JobEditing.WhatIf(update.Snapshot, job.Id, spec with { Team = job.Team }, now), now);
}
