using Dashboard.Scheduling.Model;

namespace Dashboard.Engine.Loop;

/// <summary>Sessions through the engine's front door: extending a running job's walltime.</summary>
public sealed partial class ClusterEngine
{
    /// <summary>Gives running job <paramref name="job"/> <paramref name="by"/> more walltime, re-checked like a submit; audited as <paramref name="actor"/>'s.</summary>
    public Task<CommandResult> ExtendWalltimeAsync(JobId job, TimeSpan by, string actor) =>
        Send(new ExtendWalltimeCommand(job, by, actor) { Completion = NewCompletion() });
}
