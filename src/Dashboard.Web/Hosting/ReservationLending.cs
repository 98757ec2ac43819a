namespace Dashboard.Web.Hosting;

/// <summary>
/// The <c>Reservations:LendReservedGpus</c> setting (false when absent): whether GPUs kept for an advance reservation
/// that no job of it waits for are lent to other jobs (<see cref="Dashboard.Scheduling.Model.SchedulerSettings.LendReservedGpus"/>).
/// A value that is not <c>true</c> or <c>false</c> stops the start with the key's name.
/// </summary>
public static class ReservationLending
{
    public const string Key = "Reservations:LendReservedGpus";

    public static bool From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var text = configuration[Key];
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        return bool.TryParse(text, out var lend)
            ? lend
            : throw new InvalidOperationException($"Setting {Key} must be true or false, not \"{text}\".");
    }
}
