using Dashboard.Engine.Loop;
using Dashboard.Web.Commands;
using Dashboard.Web.Identity;
using MudBlazor;

namespace Dashboard.Web.Jobs;

/// <summary>
/// The one way a page cancels a job: ask in a dialog, send the cancel to the engine as the current user, and say
/// what happened in a snackbar (the reason when it is refused). Who may cancel is decided by <see cref="ClusterCommands"/>. One per circuit, like the dialog service.
/// </summary>
public sealed class JobCancellation(IDialogService dialogs, ISnackbar snackbar, ClusterEngine engine, ClusterCommands commands, ICurrentUser user)
{
    /// <summary>True when the engine accepted the cancel; false when the person kept the job or the engine refused.</summary>
    public async Task<bool> ConfirmAndCancelAsync(CancelTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        var prompt = CancelPrompt.For(target, engine.Feed.Current?.Snapshot);
        var parameters = new DialogParameters<CancelJobDialog> { { d => d.Prompt, prompt } };
        var options = new DialogOptions { CloseOnEscapeKey = true, MaxWidth = MaxWidth.Small };
        var dialog = await dialogs.ShowAsync<CancelJobDialog>($"Cancel job {target.Job}", parameters, options).ConfigureAwait(true);
        var choice = await dialog.Result.ConfigureAwait(true);
        if (choice is null || choice.Canceled)
        {
            return false;
        }

        CommandResult answer;
        try
        {
            answer = await commands.CancelAsync(user, target.Job).ConfigureAwait(true);
        }
#pragma warning disable CA1031 // Whatever stops the engine from answering is shown to the person, not thrown at the circuit.
        catch (Exception error) when (error is not OperationCanceledException)
#pragma warning restore CA1031
        {
            snackbar.Add($"Job {target.Job} could not be cancelled: {error.Message}", Severity.Error);
            return false;
        }

        var notice = CommandNotice.Of(
            answer,
            _ => $"Job {target.Job} was cancelled.",
            reason => $"Job {target.Job} was not cancelled: {reason}",
            stopping: $"Job {target.Job} is stopping; its resources are released when it has ended.");
        snackbar.Add(notice.Text, notice.Severity);
        return answer.Succeeded;
    }

    /// <summary>
    /// Asks once for several jobs, then sends one cancel per job through the door (each checked on its own: a job the
    /// person may not cancel is refused while the others go ahead) and sums the answers up in one snackbar. True when
    /// the person confirmed (whatever the answers).
    /// </summary>
    public async Task<bool> ConfirmAndCancelManyAsync(IReadOnlyList<CancelTarget> targets)
    {
        ArgumentNullException.ThrowIfNull(targets);
        if (targets.Count == 0)
        {
            return false;
        }

        if (targets.Count == 1)
        {
            return await ConfirmAndCancelAsync(targets[0]).ConfigureAwait(true);
        }

        var prompt = CancelPrompt.ForMany(targets);
        var parameters = new DialogParameters<CancelJobDialog> { { d => d.Prompt, prompt } };
        var options = new DialogOptions { CloseOnEscapeKey = true, MaxWidth = MaxWidth.Small };
        var dialog = await dialogs.ShowAsync<CancelJobDialog>(prompt.Title, parameters, options).ConfigureAwait(true);
        var choice = await dialog.Result.ConfigureAwait(true);
        if (choice is null || choice.Canceled)
        {
            return false;
        }

        var answers = await Task.WhenAll(targets.Select(t => CancelOneAsync(t.Job))).ConfigureAwait(true);
        var notice = BulkCancelNotice.Of(answers);
        snackbar.Add(notice.Text, notice.Severity);
        return true;
    }

    private async Task<JobCancelAnswer> CancelOneAsync(Dashboard.Scheduling.Model.JobId job)
    {
        try
        {
            return new JobCancelAnswer(job, await commands.CancelAsync(user, job).ConfigureAwait(true));
        }
#pragma warning disable CA1031 // One job the engine could not answer for is reported with the others, not thrown at the circuit.
        catch (Exception error) when (error is not OperationCanceledException)
#pragma warning restore CA1031
        {
            return new JobCancelAnswer(job, CommandResult.Unavailable(error.Message));
        }
    }
}
