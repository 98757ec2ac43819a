using Dashboard.Engine.Loop;
using Dashboard.Web.Elastic;
using Dashboard.Web.Identity;

namespace Dashboard.Web.Components.Tests;

/// <summary>Stands in for the engine behind the elastic pools' pause toggle: records what was sent and answers as told.</summary>
internal sealed class RecordingPoolCommands : IElasticPoolCommands
{
    public List<(string Pool, bool Paused, string Actor)> Sent { get; } = [];

    public CommandResult Answer { get; set; } = CommandResult.Done("pool burst paused: it neither grows nor shrinks");

    /// <summary>When set, the answer waits for it (a command still under way).</summary>
    public TaskCompletionSource? Hold { get; set; }

    public async Task<CommandResult> SetPausedAsync(string pool, bool paused, ICurrentUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        Sent.Add((pool, paused, user.Name));
        if (Hold is { } hold)
        {
            await hold.Task;
        }

        return Answer;
    }
}
