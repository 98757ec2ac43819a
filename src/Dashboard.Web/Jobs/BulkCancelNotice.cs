using System.Globalization;
using Dashboard.Engine.Loop;
using Dashboard.Scheduling.Model;
using Dashboard.Web.Commands;
using MudBlazor;

namespace Dashboard.Web.Jobs;

/// <summary>What the door answered for one job of a cancel of several.</summary>
public sealed record JobCancelAnswer(JobId Job, CommandResult Result);

/// <summary>
/// One line for a cancel of several jobs, each answered on its own by the door: "3 cancelled, 1 refused: Only its
/// owner (bob), a lead of team nlp or an admin can cancel job 12." Stopping jobs count as cancelled and are named as
/// still stopping; every refusal gives its reason (prefixed with the job when the reason does not name it).
/// </summary>
public static class BulkCancelNotice
{
    public static CommandNotice Of(IReadOnlyList<JobCancelAnswer> answers)
    {
        ArgumentNullException.ThrowIfNull(answers);
        var cancelled = answers.Count(a => a.Result.Succeeded);
        var stopping = answers.Count(a => a.Result.Outcome == CommandOutcome.Stopping);
        var refused = answers.Where(a => !a.Result.Succeeded).ToList();
        var parts = new List<string> { string.Create(CultureInfo.InvariantCulture, $"{cancelled} cancelled") };
        if (stopping > 0)
        {
            parts[0] += string.Create(CultureInfo.InvariantCulture, $" ({stopping} still stopping)");
        }

        if (refused.Count > 0)
        {
            var reasons = string.Join("; ", refused.Select(Reason));
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{refused.Count} refused: {reasons}"));
        }

        var severity = refused.Count == 0 ? Severity.Success
            : refused.Any(a => a.Result.Outcome == CommandOutcome.Unavailable) ? Severity.Error
            : Severity.Warning;
        return new CommandNotice(severity, string.Join(", ", parts));
    }

    private static string Reason(JobCancelAnswer answer)
    {
        var reason = (answer.Result.Reason ?? "no reason given").TrimEnd('.');
        var named = reason.Contains($"job {answer.Job}", StringComparison.OrdinalIgnoreCase);
        return named ? reason : $"job {answer.Job}: {reason}";
    }
}
