using Dashboard.Engine.Loop;
using Dashboard.Scheduling.Reservations;
using Dashboard.Web.Commands;
using Dashboard.Web.Identity;

namespace Dashboard.Web.Reservations;

/// <summary>
/// What the reservations calendar needs of the system: the admin's booking limits, the zone its days are drawn in,
/// and the command door (book, edit, approve and cancel go through <see cref="ClusterCommands"/> as any other path's do).
/// </summary>
public interface IReservationDesk
{
    BookingLimits Limits { get; }

    /// <summary>The server's configured zone (<c>Reservations:TimeZone</c>, an IANA id; UTC when unset).</summary>
    TimeZoneInfo Zone { get; }

    /// <summary>Sends a reservation command through the door as <paramref name="user"/>; completes when the engine has committed or refused it.</summary>
    Task<CommandResult> SendAsync(ClusterCommand command, ICurrentUser user);
}

/// <summary>The real one: the settings' <c>Reservations</c> section and <see cref="ClusterCommands"/>.</summary>
public sealed class EngineReservationDesk(ClusterCommands commands, IConfiguration configuration) : IReservationDesk
{
    public BookingLimits Limits => ReservationLimits.From(configuration);

    public TimeZoneInfo Zone { get; } = ZoneOf(configuration);

    public Task<CommandResult> SendAsync(ClusterCommand command, ICurrentUser user) => commands.SendAsync(user, command);

    /// <summary>The zone named by <c>Reservations:TimeZone</c>; UTC when unset. A name the system does not know stops the start with the name in the error.</summary>
    public static TimeZoneInfo ZoneOf(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var name = configuration["Reservations:TimeZone"];
        if (string.IsNullOrWhiteSpace(name))
        {
            return TimeZoneInfo.Utc;
        }

        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(name.Trim());
        }
        catch (TimeZoneNotFoundException e)
        {
            throw new InvalidOperationException($"Reservations:TimeZone '{name}' is not a time zone this system knows (write an IANA name such as Europe/Berlin).", e);
        }
    }
}

/// <summary>The reservations calendar's services, and the daily pruning of ended bookings.</summary>
public static class ReservationRegistration
{
    public static IServiceCollection AddReservationCalendar(this IServiceCollection services)
    {
        services.AddSingleton<IReservationDesk, EngineReservationDesk>();
        services.AddSingleton(sp => new Dashboard.Data.Reservations.ReservationStore(sp.GetRequiredService<Dashboard.Data.Database>()));
        services.AddSingleton<ReservationPruning>();
        services.AddHostedService(sp => sp.GetRequiredService<ReservationPruning>());
        return services;
    }
}
