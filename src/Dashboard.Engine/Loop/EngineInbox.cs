using System.Threading.Channels;
using Dashboard.Engine.Execution;

namespace Dashboard.Engine.Loop;

/// <summary>The engine loop's one queue of commands. Everyone writes; only the loop reads.</summary>
public sealed class EngineInbox : IJobExitSink
{
    private readonly Channel<EngineCommand> channel = Channel.CreateUnbounded<EngineCommand>(new UnboundedChannelOptions { SingleReader = true });

    internal ChannelReader<EngineCommand> Reader => channel.Reader;

    public ValueTask JobExitedAsync(JobExit exit) => Post(new JobExitedCommand(exit));

    private long posted;

    /// <summary>How many commands were ever posted (the loop, which counts what it took, knows how many wait).</summary>
    internal long Posted => Interlocked.Read(ref posted);

    internal ValueTask Post(EngineCommand command)
    {
        Interlocked.Increment(ref posted);
        return channel.Writer.WriteAsync(command);
    }

    internal void Complete() => channel.Writer.TryComplete();
}
