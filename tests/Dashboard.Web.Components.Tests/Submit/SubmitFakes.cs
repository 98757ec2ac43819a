using System.Collections.Concurrent;
using Dashboard.Engine.Loop;
using Dashboard.Scheduling.Model;
using Dashboard.Web.Jobs;
using Dashboard.Web.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Dashboard.Web.Components.Tests.Submit;

/// <summary>The submit page's surroundings for a test: a fake clock, a recording engine, stored jobs and a draft slot.</summary>
internal sealed class SubmitFakes
{
    public const string User = "alice";

    public FakeTimeProvider Clock { get; } = new(TestCluster.Now);

    public RecordingSubmission Submission { get; } = new();

    public MemoryDrafts Drafts { get; } = new();

    public void Register(IServiceCollection services)
    {
        services.AddSingleton<TimeProvider>(Clock);
        services.AddSingleton<IJobSubmission>(Submission);
        services.AddSingleton<ISubmitDraftStore>(Drafts);
        services.AddSingleton<Dashboard.Web.Jobs.Templates.ISubmitTemplates>(Templates);
    }

    public NoTemplates Templates { get; } = new();
}

/// <summary>A template store with none saved (the Submit page's template tests run against the real one, in the browser).</summary>
internal sealed class NoTemplates : Dashboard.Web.Jobs.Templates.ISubmitTemplates
{
    public IReadOnlyList<Dashboard.Api.Contracts.JobTemplateView> VisibleTo(ICurrentUser user) => [];

    public Dashboard.Web.Jobs.Templates.TemplateOutcome Save(ICurrentUser user, string? name, bool teamWide, JobSpec spec) =>
        Dashboard.Web.Jobs.Templates.TemplateOutcome.Refused(Dashboard.Web.Jobs.Templates.TemplateRefusal.Forbidden, "no templates in this test");

    public Dashboard.Web.Jobs.Templates.TemplateOutcome Delete(ICurrentUser user, long id) =>
        Dashboard.Web.Jobs.Templates.TemplateOutcome.Refused(Dashboard.Web.Jobs.Templates.TemplateRefusal.NotFound, "no templates in this test");
}

/// <summary>Records what the page sends to the engine and answers with <see cref="Answer"/> (or throws <see cref="Failure"/>).</summary>
internal sealed class RecordingSubmission : IJobSubmission
{
    public ConcurrentQueue<(JobSpec Spec, string Actor)> Sent { get; } = new();

    public Dictionary<JobId, JobSpec> Stored { get; } = [];

    public CommandResult Answer { get; set; } = CommandResult.Accepted(new JobId(42));

    public Exception? Failure { get; set; }

    public Task<CommandResult> SubmitAsync(JobSpec spec, ICurrentUser user)
    {
        Sent.Enqueue((spec, user.Name));
        return Failure is { } failure ? Task.FromException<CommandResult>(failure) : Task.FromResult(Answer);
    }

    /// <summary>The other submit commands (a job that waits, a sweep) the page sent, with their sender.</summary>
    public ConcurrentQueue<(Dashboard.Web.Commands.ClusterCommand Command, string Actor)> Commands { get; } = new();

    public Task<CommandResult> SendAsync(Dashboard.Web.Commands.ClusterCommand command, ICurrentUser user)
    {
        Commands.Enqueue((command, user.Name));
        return Failure is { } failure ? Task.FromException<CommandResult>(failure) : Task.FromResult(Answer);
    }

    public JobSpec? FindSpec(JobId job) => Stored.GetValueOrDefault(job);
}

internal sealed class MemoryDrafts : ISubmitDraftStore
{
    public SubmitForm? Draft { get; set; }

    public int Saves { get; private set; }

    public ValueTask<SubmitForm?> LoadAsync() => ValueTask.FromResult(Draft?.Copy());

    public ValueTask SaveAsync(SubmitForm form)
    {
        Draft = form.Copy();
        Saves++;
        return ValueTask.CompletedTask;
    }

    public ValueTask ClearAsync()
    {
        Draft = null;
        return ValueTask.CompletedTask;
    }
}
