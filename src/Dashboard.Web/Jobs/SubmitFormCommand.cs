using System.Collections.Immutable;
using System.Globalization;
using Dashboard.Scheduling.Control;
using Dashboard.Scheduling.Model;
using Dashboard.Web.Commands;

namespace Dashboard.Web.Jobs;

/// <summary>
/// The submit command the form's dependency and sweep fields ask for: <see cref="SubmitJobAfter"/> when it names jobs
/// to wait for, <see cref="SubmitSweep"/> when it holds a grid, none (a plain submit) when both are empty. Only the
/// text is read here; whether the named jobs exist and may be seen, and the grid's rules, are the door's to judge too.
/// </summary>
public static class SubmitFormCommand
{
    /// <summary>The terms of <see cref="SubmitForm.After"/> (an id alone takes <see cref="SubmitForm.AfterRule"/>), or an empty list and the error.</summary>
    public static ImmutableArray<DependencyTerm> ReadAfter(SubmitForm form, out string? error)
    {
        ArgumentNullException.ThrowIfNull(form);
        var rule = DependencyTerm.RuleWord(form.AfterRule);
        var parts = form.After.Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(part => part.Contains(':', StringComparison.Ordinal) ? part : $"{part}:{rule}");
        var terms = DependencyTerm.ParseList(string.Join(",", parts), out error);
        if (error is null && terms.Length > SubmitJobAfter.MaxDependencies)
        {
            error = $"a job may wait for at most {SubmitJobAfter.MaxDependencies} jobs; this names {terms.Length}";
            return [];
        }

        return terms;
    }

    /// <summary>The most running at once (null: no limit), or null with <paramref name="error"/> set.</summary>
    public static int? ReadMaxRunning(SubmitForm form, out string? error)
    {
        ArgumentNullException.ThrowIfNull(form);
        error = null;
        var text = form.SweepMaxRunning.Trim();
        if (text.Length == 0)
        {
            return null;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var limit) && limit >= 1)
        {
            return limit;
        }

        error = "Max running must be a whole number of at least 1 (or empty for no limit).";
        return null;
    }

    /// <summary>
    /// The command to send for <paramref name="spec"/>, or null for a plain submit; <paramref name="error"/> says why
    /// nothing may be sent (then the result is null too).
    /// </summary>
    public static ClusterCommand? For(SubmitForm form, JobSpec spec, out string? error)
    {
        ArgumentNullException.ThrowIfNull(form);
        var hasGrid = form.SweepGrid.Trim().Length > 0;
        var after = ReadAfter(form, out var afterError);
        if (afterError is not null)
        {
            error = "Waits for: " + afterError;
            return null;
        }

        if (hasGrid && after.Length > 0)
        {
            error = "A sweep cannot wait for other jobs: clear either the jobs to wait for or the sweep.";
            return null;
        }

        if (hasGrid)
        {
            SweepGrid.Parse(form.SweepGrid, out var gridError);
            var maxRunning = ReadMaxRunning(form, out var limitError);
            error = gridError is not null ? "Sweep: " + gridError : limitError;
            return error is null ? new SubmitSweep(spec, form.SweepGrid.Trim(), maxRunning) : null;
        }

        error = null;
        return after.Length > 0 ? new SubmitJobAfter(spec, after) : null;
    }
}
