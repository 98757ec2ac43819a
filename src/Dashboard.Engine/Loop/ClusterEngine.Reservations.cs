using Dashboard.Scheduling.Reservations;

namespace Dashboard.Engine.Loop;

/// <summary>Advance reservations through the engine's front door: book, edit, approve, cancel (each checked, written and audited by the writer).</summary>
public sealed partial class ClusterEngine
{
    public Task<CommandResult> BookReservationAsync(AdvanceReservation proposed, BookingLimits limits, bool byAdmin, string actor) =>
        Send(new BookReservationCommand(proposed, limits, byAdmin, actor) { Completion = NewCompletion() });

    public Task<CommandResult> EditReservationAsync(AdvanceReservation edited, BookingLimits limits, bool byAdmin, string actor) =>
        Send(new EditReservationCommand(edited, limits, byAdmin, actor) { Completion = NewCompletion() });

    public Task<CommandResult> ApproveReservationAsync(long reservation, string actor) =>
        Send(new ApproveReservationCommand(reservation, actor) { Completion = NewCompletion() });

    /// <summary>Cancels reservation <paramref name="reservation"/>, refused unless it is <paramref name="team"/>'s (the team the door checked).</summary>
    public Task<CommandResult> CancelReservationAsync(long reservation, string team, string actor) =>
        Send(new CancelReservationCommand(reservation, team, actor) { Completion = NewCompletion() });
}
