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
}
