using System.Threading.Channels;
using Dashboard.Engine.Execution;

namespace Dashboard.Engine.Loop;

/// <summary>The engine loop's one queue of commands. Everyone writes; only the loop reads.</summary>
public sealed class EngineInbox : IJobExitSink
{
    private readonly Channel<EngineCommand> channel = Channel.CreateUnbounded<EngineCommand>(new UnboundedChannelOptions { SingleReader = true });

    internal ChannelReader<EngineCommand> Reader => channel.Reader;

    public ValueTask JobExitedAsync(JobExit exit) => Post(new JobExitedCommand(exit));

    internal ValueTask Post(EngineCommand command) => channel.Writer.WriteAsync(command);

    internal void Complete() => channel.Writer.TryComplete();
}
