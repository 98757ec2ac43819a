using Dashboard.Engine.Loop;
using Dashboard.Web.Commands;
using Dashboard.Web.Identity;

namespace Dashboard.Web.Elastic;

/// <summary>
/// What the dashboard asks of elastic pools: pause or resume a pool's scaling. Admins only (checked here as well as by
/// the page); the engine validates the pool, applies it through its single writer and audits it as the caller's.
/// </summary>
public interface IElasticPoolCommands
{
    Task<CommandResult> SetPausedAsync(string pool, bool paused, ICurrentUser user);
}

public sealed class EngineElasticPoolCommands(ClusterEngine engine) : IElasticPoolCommands
{
    public Task<CommandResult> SetPausedAsync(string pool, bool paused, ICurrentUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return user.IsAdmin()
            ? EngineAnswer.Of(() => engine.SetPoolPausedAsync(pool, paused, user.Name))
            : Task.FromResult(CommandResult.Forbidden("only an admin may pause or resume an elastic pool"));
    }
}
