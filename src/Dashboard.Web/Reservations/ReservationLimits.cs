using System.Globalization;
using Dashboard.Scheduling.Reservations;

namespace Dashboard.Web.Reservations;

/// <summary>
/// The admin's limits on bookings, from the <c>Reservations</c> section of the settings (<c>MaxAheadDays</c>,
/// <c>MaxLengthDays</c>, <c>MaxGpus</c>, <c>AllowanceGpus</c>, <c>RequireApproval</c>); each absent one keeps
/// <see cref="BookingLimits.Default"/>'s value.
/// </summary>
public static class ReservationLimits
{
    public static BookingLimits From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection("Reservations");
        var defaults = BookingLimits.Default;
        return new BookingLimits(
            Days(section["MaxAheadDays"]) ?? defaults.MaxAhead,
            Days(section["MaxLengthDays"]) ?? defaults.MaxLength,
            Whole(section["MaxGpus"]) ?? defaults.MaxGpus,
            Whole(section["AllowanceGpus"]) ?? defaults.AllowanceGpus,
            bool.TryParse(section["RequireApproval"], out var approval) ? approval : defaults.RequireApproval);
    }

    private static TimeSpan? Days(string? text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var days) && days > 0 ? TimeSpan.FromDays(days) : null;

    private static int? Whole(string? text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;
}
