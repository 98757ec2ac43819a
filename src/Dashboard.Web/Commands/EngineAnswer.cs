using Dashboard.Engine.Loop;

namespace Dashboard.Web.Commands;

/// <summary>
/// The engine's answer to a command as a value: when the engine cannot commit (it is shutting down, or the database
/// failed) it throws <see cref="InvalidOperationException"/>; here that becomes <see cref="CommandOutcome.Unavailable"/>.
/// </summary>
public static class EngineAnswer
{
    public static async Task<CommandResult> Of(Func<Task<CommandResult>> send)
    {
        ArgumentNullException.ThrowIfNull(send);
        try
        {
            return await send().ConfigureAwait(false);
        }
        catch (InvalidOperationException error)
        {
            return CommandResult.Unavailable(error.Message);
        }
    }
}
