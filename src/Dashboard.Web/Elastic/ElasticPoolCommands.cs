using Dashboard.Engine.Loop;
using Dashboard.Web.Commands;
using Dashboard.Web.Identity;

namespace Dashboard.Web.Elastic;

/// <summary>
/// What the dashboard asks of elastic pools: pause or resume a pool's scaling. It goes through the one command door
/// (<see cref="ClusterCommands"/>), which refuses anyone but an admin before the engine sees it; the engine validates
/// the pool, applies it through its single writer and audits it as the caller's.
/// </summary>
public interface IElasticPoolCommands
{
    Task<CommandResult> SetPausedAsync(string pool, bool paused, ICurrentUser user);
}

public sealed class EngineElasticPoolCommands(ClusterCommands door) : IElasticPoolCommands
{
    public Task<CommandResult> SetPausedAsync(string pool, bool paused, ICurrentUser user) =>
        door.SendAsync(user, new SetPoolPaused(pool, paused));
}
