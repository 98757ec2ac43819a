using Dashboard.Data.Jobs;
using Dashboard.Engine.Loop;
using Dashboard.Web.Commands;
using Dashboard.Web.Identity;
using MudBlazor;

namespace Dashboard.Web.Jobs;

/// <summary>
/// The whole-sweep actions of the Jobs list (cancel, hold, release, resubmit failed), each through the door as the
/// current user, each answered in a snackbar. One per circuit, like the dialog service.
/// </summary>
public sealed class SweepActions(IDialogService dialogs, ISnackbar snackbar, ClusterCommands commands, JobStore jobs, ICurrentUser user)
{
    /// <summary>Asks first; true when the person confirmed and the cancel was sent.</summary>
    public async Task<bool> ConfirmAndCancelAsync(SweepSummary sweep)
    {
        ArgumentNullException.ThrowIfNull(sweep);
        var active = sweep.Running + sweep.Waiting;
        var confirmed = await dialogs.ShowMessageBoxAsync(
            $"Cancel sweep {sweep.Id}?",
            $"Cancel the {active} waiting or running {(active == 1 ? "job" : "jobs")} of sweep '{sweep.Name}'? Its ended jobs stay as they are.",
            yesText: "Cancel sweep",
            cancelText: "Keep it").ConfigureAwait(true);
        if (confirmed != true)
        {
            return false;
        }

        await ActAsync(sweep, SweepAction.Cancel).ConfigureAwait(true);
        return true;
    }

    public Task ActAsync(SweepSummary sweep, SweepAction action)
    {
        ArgumentNullException.ThrowIfNull(sweep);
        return SendAsync(sweep, () => commands.ActOnSweepAsync(user, jobs, sweep.Id, action), action.ToString().ToLowerInvariant());
    }

    public Task ResubmitFailedAsync(SweepSummary sweep)
    {
        ArgumentNullException.ThrowIfNull(sweep);
        return SendAsync(sweep, () => commands.SendAsync(user, new ResubmitFailedSweep(sweep.Id)), "resubmit the failed jobs of");
    }

    private async Task SendAsync(SweepSummary sweep, Func<Task<CommandResult>> send, string verb)
    {
        CommandResult answer;
        try
        {
            answer = await send().ConfigureAwait(true);
        }
#pragma warning disable CA1031 // Whatever stops the engine from answering is shown to the person, not thrown at the circuit.
        catch (Exception error) when (error is not OperationCanceledException)
#pragma warning restore CA1031
        {
            snackbar.Add($"Could not {verb} sweep {sweep.Id}: {error.Message}", Severity.Error);
            return;
        }

        var notice = CommandNotice.Of(answer, note => $"Sweep {sweep.Id}: {note}.", reason => $"Sweep {sweep.Id} was not changed: {reason}");
        snackbar.Add(notice.Text, notice.Severity);
    }
}
