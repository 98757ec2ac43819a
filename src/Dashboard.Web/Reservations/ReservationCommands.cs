using Dashboard.Data.Jobs;
using Dashboard.Engine.Loop;
using Dashboard.Scheduling.Reservations;
using Dashboard.Web.Commands;
using Dashboard.Web.Identity;

namespace Dashboard.Web.Reservations;

/// <summary>
/// Book an advance reservation for <see cref="AdvanceReservation.Team"/>: a lead of that team or an admin.
/// <paramref name="ByAdmin"/> (the admin's booking, bound by no limit and needing no approval) is refused from anyone
/// but an admin.
/// </summary>
public sealed record BookReservation(AdvanceReservation Proposed, BookingLimits Limits, bool ByAdmin) : ClusterCommand
{
    public override CommandResult? RefusalFor(ICurrentUser user, JobStore jobs) => ReservationRights.LeadOrAdmin(user, Proposed.Team, "book", ByAdmin);

    public override Task<CommandResult> SendAsync(ClusterEngine engine, string actor)
    {
        ArgumentNullException.ThrowIfNull(engine);
        return engine.BookReservationAsync(Proposed, Limits, ByAdmin, actor);
    }
}

/// <summary>Change a booking of <see cref="AdvanceReservation.Team"/> (the engine refuses one of another team): its lead or an admin.</summary>
public sealed record EditReservation(AdvanceReservation Edited, BookingLimits Limits, bool ByAdmin) : ClusterCommand
{
    public override CommandResult? RefusalFor(ICurrentUser user, JobStore jobs) => ReservationRights.LeadOrAdmin(user, Edited.Team, "change", ByAdmin);

    public override Task<CommandResult> SendAsync(ClusterEngine engine, string actor)
    {
        ArgumentNullException.ThrowIfNull(engine);
        return engine.EditReservationAsync(Edited, Limits, ByAdmin, actor);
    }
}

/// <summary>Approve a booking that waits for approval: admins.</summary>
public sealed record ApproveReservation(long Reservation) : ClusterCommand
{
    public override CommandResult? RefusalFor(ICurrentUser user, JobStore jobs) => AdminsOnly(user, "approve a reservation");

    public override Task<CommandResult> SendAsync(ClusterEngine engine, string actor)
    {
        ArgumentNullException.ThrowIfNull(engine);
        return engine.ApproveReservationAsync(Reservation, actor);
    }
}

/// <summary>Cancel a booking of <paramref name="Team"/> (the engine refuses one of another team): its lead or an admin.</summary>
public sealed record CancelReservation(long Reservation, string Team) : ClusterCommand
{
    public override CommandResult? RefusalFor(ICurrentUser user, JobStore jobs) => ReservationRights.LeadOrAdmin(user, Team, "cancel", byAdmin: false);

    public override Task<CommandResult> SendAsync(ClusterEngine engine, string actor)
    {
        ArgumentNullException.ThrowIfNull(engine);
        return engine.CancelReservationAsync(Reservation, Team, actor);
    }
}

/// <summary>Who may act on a team's reservations: a lead of the team or an admin; only an admin acts as one.</summary>
internal static class ReservationRights
{
    public static CommandResult? LeadOrAdmin(ICurrentUser user, string team, string what, bool byAdmin)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (byAdmin && !user.IsAdmin())
        {
            return CommandResult.Forbidden($"only an admin may {what} a reservation as an admin");
        }

        return user.Leads(team) ? null : CommandResult.Forbidden($"only a lead of team {team} or an admin may {what} its reservations");
    }
}
