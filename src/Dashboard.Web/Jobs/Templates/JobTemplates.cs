using System.Globalization;
using System.Text.Json;
using Dashboard.Api.Contracts;
using Dashboard.Data.Audit;
using Dashboard.Data.Templates;
using Dashboard.Scheduling.Model;
using Dashboard.Web.Api;
using Dashboard.Web.Identity;

namespace Dashboard.Web.Jobs.Templates;

/// <summary>Why a template was not saved or deleted.</summary>
public enum TemplateRefusal
{
    Invalid,
    Forbidden,
    NotFound,
    Duplicate,
}

/// <summary>The answer to a save or delete: the template, or the refusal and its reason (nothing changed).</summary>
public sealed record TemplateOutcome(JobTemplateView? Template, TemplateRefusal? Refusal, string? Reason)
{
    public bool Succeeded => Refusal is null;

    public static TemplateOutcome Refused(TemplateRefusal refusal, string reason) => new(null, refusal, reason);
}

/// <summary>Submit templates as the Submit form, the API and <c>dash</c> use them.</summary>
public interface ISubmitTemplates
{
    IReadOnlyList<JobTemplateView> VisibleTo(ICurrentUser user);

    /// <summary>Saves <paramref name="spec"/> (a read, valid submit) as <paramref name="name"/>, personal or team-wide.</summary>
    TemplateOutcome Save(ICurrentUser user, string? name, bool teamWide, JobSpec spec);

    TemplateOutcome Delete(ICurrentUser user, long id);
}

/// <summary>
/// The rules of templates: a name is one line of at most <see cref="MaxNameLength"/> characters (<see cref="TextRules"/>),
/// unique among the person's own templates (or the team's, for team-wide ones); a person saves only what they may
/// submit; team-wide templates are saved by a lead of the team or an admin; a personal template is deleted by its
/// owner, a team-wide one by its owner, a lead of its team or an admin. Saves and deletes are audited.
/// </summary>
public sealed class JobTemplates(JobTemplateStore store, TimeProvider time) : ISubmitTemplates
{
    public const int MaxNameLength = 100;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public IReadOnlyList<JobTemplateView> VisibleTo(ICurrentUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return [.. store.VisibleTo(user.Name, [.. user.Teams], user.IsAdmin()).Select(ViewOf)];
    }

    public TemplateOutcome Save(ICurrentUser user, string? name, bool teamWide, JobSpec spec)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(spec);
        var trimmed = name?.Trim() ?? string.Empty;
        if (trimmed.Length == 0)
        {
            return TemplateOutcome.Refused(TemplateRefusal.Invalid, "A template needs a name.");
        }

        if (trimmed.Length > MaxNameLength)
        {
            return TemplateOutcome.Refused(TemplateRefusal.Invalid, $"A template's name is at most {MaxNameLength} characters.");
        }

        if (TextRules.OneLineProblem("A template's name", trimmed) is { } problem)
        {
            return TemplateOutcome.Refused(TemplateRefusal.Invalid, problem);
        }

        if (JobSpecValidation.Validate(spec) is { Count: > 0 } errors)
        {
            return TemplateOutcome.Refused(TemplateRefusal.Invalid, string.Join(" ", errors.Select(e => e.Message)));
        }

        if (!user.CanSubmitTo(spec.Team))
        {
            return TemplateOutcome.Refused(TemplateRefusal.Forbidden, $"You are not a member of team {spec.Team}, so you cannot save a template that submits to it.");
        }

        if (teamWide && !user.Leads(spec.Team))
        {
            return TemplateOutcome.Refused(TemplateRefusal.Forbidden, $"Only a lead of team {spec.Team} or an admin may save a team-wide template; save it as your own.");
        }

        var request = RequestOf(spec);
        var json = JsonSerializer.Serialize(request, Json);
        var now = time.GetUtcNow();
        var id = store.Add(trimmed, user.Name, spec.Team, teamWide, json, now, id => new AuditEntry(
            now, user.Name, "template.save", Target(id), null, JsonSerializer.Serialize(new { Name = trimmed, spec.Team, TeamWide = teamWide })));
        return id is { } saved
            ? new TemplateOutcome(new JobTemplateView(saved, trimmed, user.Name, spec.Team, teamWide, request), null, null)
            : TemplateOutcome.Refused(TemplateRefusal.Duplicate, teamWide
                ? $"Team {spec.Team} already has a template named \"{trimmed}\"; choose another name or delete that one first."
                : $"You already have a template named \"{trimmed}\"; choose another name or delete that one first.");
    }

    public TemplateOutcome Delete(ICurrentUser user, long id)
    {
        ArgumentNullException.ThrowIfNull(user);
        var template = store.Find(id);
        var sees = template is not null && (template.TeamWide ? user.IsAdmin() || user.Teams.Contains(template.Team, StringComparer.Ordinal) : template.Owner == user.Name);
        if (template is null || !sees)
        {
            return TemplateOutcome.Refused(TemplateRefusal.NotFound, $"There is no template {id} that you can see.");
        }

        var may = template.Owner == user.Name || (template.TeamWide && user.Leads(template.Team));
        if (!may)
        {
            return TemplateOutcome.Refused(TemplateRefusal.Forbidden, $"Only its owner ({template.Owner}), a lead of team {template.Team} or an admin may delete template \"{template.Name}\".");
        }

        var deleted = store.Delete(id, new AuditEntry(
            time.GetUtcNow(), user.Name, "template.delete", Target(id), JsonSerializer.Serialize(new { template.Name, template.Team, template.TeamWide, template.Owner }), null));
        return deleted ? new TemplateOutcome(ViewOf(template), null, null) : TemplateOutcome.Refused(TemplateRefusal.NotFound, $"There is no template {id}.");
    }

    /// <summary>The submit body of <paramref name="spec"/>, in the API's units.</summary>
    public static JobSubmitRequest RequestOf(JobSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return new JobSubmitRequest
        {
            Name = spec.Name,
            Command = spec.Command,
            Team = spec.Team,
            Gpus = spec.Request.Gpus,
            GpuModel = spec.Request.GpuModel,
            Cpu = ApiUnits.Cores(spec.Request.CpuMillicores),
            CpuLimit = ApiUnits.Cores(spec.Limits?.CpuMillicores),
            Memory = ApiUnits.GiB(spec.Request.MemoryMiB),
            MemoryLimit = ApiUnits.GiB(spec.Limits?.MemoryMiB),
            Walltime = spec.Walltime is { } walltime ? WalltimeText.Format(walltime) : null,
            Priority = spec.Priority,
        };
    }

    /// <summary>The Submit form a template starts (as the API's units read back as typed text).</summary>
    public static SubmitForm FormOf(JobSubmitRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new SubmitForm
        {
            Name = request.Name,
            Command = request.Command,
            Team = request.Team,
            Gpus = request.Gpus.ToString(CultureInfo.InvariantCulture),
            GpuModel = request.GpuModel ?? string.Empty,
            Cpu = request.Cpu.ToString("0.###", CultureInfo.InvariantCulture),
            CpuLimit = request.CpuLimit?.ToString("0.###", CultureInfo.InvariantCulture) ?? string.Empty,
            Memory = request.Memory.ToString("0.###", CultureInfo.InvariantCulture),
            MemoryLimit = request.MemoryLimit?.ToString("0.###", CultureInfo.InvariantCulture) ?? string.Empty,
            Walltime = request.Walltime ?? string.Empty,
            Priority = request.Priority.ToString(CultureInfo.InvariantCulture),
        };
    }

    /// <summary>Copies every field of <paramref name="source"/> into <paramref name="target"/> (the page's own form object).</summary>
    public static void CopyInto(SubmitForm target, SubmitForm source)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(source);
        (target.Name, target.Command, target.Team, target.Gpus, target.GpuModel, target.Cpu, target.CpuLimit, target.Memory, target.MemoryLimit, target.Walltime, target.Priority) =
            (source.Name, source.Command, source.Team, source.Gpus, source.GpuModel, source.Cpu, source.CpuLimit, source.Memory, source.MemoryLimit, source.Walltime, source.Priority);
    }

    private static JobTemplateView ViewOf(JobTemplate template) =>
        new(template.Id, template.Name, template.Owner, template.Team, template.TeamWide, JsonSerializer.Deserialize<JobSubmitRequest>(template.RequestJson, Json)!);

    private static string Target(long id) => $"template:{id}";
}
