using System.Collections.Immutable;
using Dashboard.Data.Notifications;

namespace Dashboard.Engine.Notifications;

/// <summary>
/// Everyone's notification preferences in memory, for the engine loop to read without I/O: loaded at start-up and
/// replaced whole whenever a person saves theirs (<see cref="Reload"/>). Safe to read from any thread.
/// </summary>
public sealed class NotificationDirectory
{
    private readonly Func<ImmutableDictionary<string, NotificationPreferences>> load;
    private ImmutableDictionary<string, NotificationPreferences> current;

    public NotificationDirectory(Func<ImmutableDictionary<string, NotificationPreferences>> load)
    {
        ArgumentNullException.ThrowIfNull(load);
        this.load = load;
        current = load();
    }

    public NotificationDirectory(NotificationChoiceStore store)
        : this((store ?? throw new ArgumentNullException(nameof(store))).LoadAll)
    {
    }

    public NotificationPreferences For(string user) =>
        Volatile.Read(ref current).GetValueOrDefault(user) ?? NotificationPreferences.DefaultFor(user);

    public void Reload() => Volatile.Write(ref current, load());
}
