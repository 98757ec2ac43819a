using Dashboard.Engine.Loop;
using Dashboard.Scheduling.Model;
using Dashboard.Slurm.Execution;
using Dashboard.Slurm.Inventory;
using Dashboard.Slurm.Rest;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Dashboard.Slurm;

/// <summary>
/// Reads Slurm every <see cref="SlurmOptions.PollInterval"/>: the nodes of the managed partitions become dashboard
/// nodes (inventory commands: they appear, change and, leaving the partitions, go Down), node states follow both
/// ways (a drain set in Slurm shows in the dashboard; one set in the dashboard is sent to Slurm), and the job list
/// goes to the executor's mirror. When Slurm does not answer, its nodes are Down, shown "unreachable" (nothing is placed
/// there; running jobs stay Running; submits wait) until it answers again.
/// </summary>
public sealed partial class SlurmSync(
    SlurmOptions options,
    SlurmRestClient rest,
    Scontrol scontrol,
    SlurmExecutor executor,
    SlurmCorrections corrections,
    SlurmStatus status,
    ClusterEngine engine,
    EngineLoop loop,
    TimeProvider time,
    ILogger<SlurmSync> logger) : BackgroundService
{
    private const string Actor = "slurm";

    /// <summary>What the card of a node of an unreachable Slurm says.</summary>
    public const string UnreachableNote = " (unreachable)";
    private readonly Dictionary<string, NodeState> applied = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Node> reported = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource firstPoll = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes after the first poll (answered or not).</summary>
    public Task FirstPoll => firstPoll.Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await loop.Started.WaitAsync(stoppingToken).ConfigureAwait(false);
        using var timer = new PeriodicTimer(options.PollInterval, time);
        do
        {
            try
            {
                await PollAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception error) when (error is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                SlurmSyncLog.PollFailed(logger, error);
            }

            firstPoll.TrySetResult();
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    /// <summary>One poll: inventory, node states, the jobs' mirror.</summary>
    public async Task PollAsync(CancellationToken cancellationToken)
    {
        SlurmNodesResponse nodes;
        IReadOnlyList<SlurmJob> jobs;
        try
        {
            nodes = await rest.NodesAsync(cancellationToken).ConfigureAwait(false);
            jobs = await rest.JobsAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (SlurmUnreachableException error)
        {
            await UnreachableAsync(error.Message).ConfigureAwait(false);
            return;
        }

        var wasReachable = status.Reachable;
        var managed = (nodes.Nodes ?? []).Where(n => (n.Partitions ?? []).Any(options.Partitions.Contains)).ToDictionary(n => n.Name, StringComparer.Ordinal);
        status.Answered(nodes.Meta?.Slurm?.Release, managed);
        if (!wasReachable)
        {
            SlurmSyncLog.Reachable(logger, options.RestUrl);
        }

        var snapshot = engine.Feed.Current?.Snapshot;
        // The dashboard's own jobs: by the Slurm id its submit answered, and by the comment a submit carries, so a job
        // whose submit answer is still on its way is not taken for an outside job (that would take its GPUs off the node).
        var tracked = executor.Tracked;
        var ours = tracked.Values.OfType<long>().ToHashSet();
        ours.UnionWith(jobs.Where(j => SlurmJobScript.DashboardJobOf(j) is { } id && tracked.ContainsKey(new JobId(id))).Select(j => j.JobId));
        var freeGpus = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var slurm in managed.Values)
        {
            var held = snapshot?.Running.Where(r => r.Allocation.Node == slurm.Name).SelectMany(r => r.Allocation.GpuIndices).ToHashSet() ?? [];
            var node = SlurmNodeView.ToNode(slurm, SlurmNodeView.OutsideJobsOn(slurm.Name, jobs, ours), held);
            freeGpus[slurm.Name] = node.Gpus.Count(g => !held.Contains(g.Index));
            var says = SlurmNodeStates.Describe(slurm.State, slurm.StateFlags) + (string.IsNullOrWhiteSpace(slurm.Reason) ? "" : ": " + slurm.Reason);
            if (node.State == NodeState.Ready && executor.Avoided.Of(slurm.Name, time.GetUtcNow()) is { } avoided)
            {
                if (ResumedInTheDashboard(slurm.Name))
                {
                    // The avoidance is the dashboard's own (Slurm's node is not drained): an admin's resume ends it, and
                    // nothing is sent to Slurm (a RESUME of a node Slurm does not hold drained is refused there).
                    executor.Avoided.End(slurm.Name);
                    SlurmSyncLog.AvoidanceEnded(logger, slurm.Name, avoided.Job);
                }
                else
                {
                    // Slurm would not start a job here: nothing new goes here for a while (Draining in the dashboard only).
                    node = node with { State = NodeState.Draining, Note = node.Note + "; avoided: Slurm " + avoided.Describe() };
                    says = avoided.Describe();
                }
            }

            await ReportAsync(node).ConfigureAwait(false);
            await FollowStateAsync(node, says, cancellationToken).ConfigureAwait(false);
        }

        // Nodes that left the managed partitions (or Slurm) go Down; they come back if they return.
        foreach (var gone in (engine.Feed.Current?.Snapshot.Nodes ?? []).Where(n => SlurmNodeView.IsSlurmNode(n) && !managed.ContainsKey(n.Name) && n.State != NodeState.Down))
        {
            await engine.SetNodeStateAsync(gone.Name, NodeState.Down, $"no longer in Slurm partition {string.Join(", ", options.Partitions)}", Actor).ConfigureAwait(false);
            applied[gone.Name] = NodeState.Down;
            reported.Remove(gone.Name);
        }

        try
        {
            executor.FreeGpusSeen = freeGpus;
            await executor.MirrorAsync(jobs, cancellationToken).ConfigureAwait(false);
            await corrections.ApplyAsync(executor.Runs).ConfigureAwait(false);
        }
        catch (SlurmUnreachableException error)
        {
            await UnreachableAsync(error.Message).ConfigureAwait(false);
        }
    }

    private async Task ReportAsync(Node node)
    {
        if (reported.TryGetValue(node.Name, out var last) && last.State == node.State && last.Note == node.Note && last.CpuMillicores == node.CpuMillicores
            && last.MemoryMiB == node.MemoryMiB && last.ExpectedBack == node.ExpectedBack && last.Gpus.SequenceEqual(node.Gpus))
        {
            return;
        }

        await engine.ReportInventoryAsync(node).ConfigureAwait(false);
        reported[node.Name] = node;
    }

    /// <summary>
    /// Whether the dashboard shows <paramref name="node"/> Ready although this sync last made it Draining: an admin
    /// resumed it in the dashboard (the Draining this sync applies while a node is avoided is the only one Slurm does not also show).
    /// </summary>
    private bool ResumedInTheDashboard(string node) =>
        applied.TryGetValue(node, out var ours) && ours == NodeState.Draining
        && engine.Feed.Current?.Snapshot.Nodes.FirstOrDefault(n => n.Name == node) is { State: NodeState.Ready };

    /// <summary>
    /// Makes the dashboard's state of a node and Slurm's agree. A state the dashboard holds that this sync did not put
    /// there was set by an admin: it goes to Slurm (drain or resume). Otherwise Slurm's state comes to the dashboard.
    /// </summary>
    private async Task FollowStateAsync(Node slurmView, string slurmSays, CancellationToken cancellationToken)
    {
        var (name, slurmState) = (slurmView.Name, slurmView.State);
        var known = engine.Feed.Current?.Snapshot.Nodes.FirstOrDefault(n => n.Name == name);
        if (known is not { State: var dashboardState })
        {
            return;
        }

        if (dashboardState == NodeState.Down && known.Gpus.Any(g => !slurmView.Gpus.Any(s => s.Index == g.Index)))
        {
            // The engine's own guard: a GPU left the node's report while a job held it (the report raced a placement).
            // It is not an admin's drain and is not sent to Slurm; the node is Ready again once the report has the GPU.
            return;
        }

        if (applied.TryGetValue(name, out var ours) && ours != dashboardState && dashboardState != slurmState)
        {
            try
            {
                if (dashboardState is NodeState.Draining or NodeState.Down)
                {
                    await scontrol.DrainAsync(name, "drained in the dashboard", cancellationToken).ConfigureAwait(false);
                }
                else if (dashboardState == NodeState.Ready && slurmState == NodeState.Draining)
                {
                    await scontrol.ResumeAsync(name, cancellationToken).ConfigureAwait(false);
                }

                applied[name] = dashboardState;
                SlurmSyncLog.SentToSlurm(logger, name, dashboardState);
            }
            catch (InvalidOperationException error)
            {
                SlurmSyncLog.SendFailed(logger, name, error.Message);
            }

            return;
        }

        if (dashboardState != slurmState)
        {
            await engine.SetNodeStateAsync(name, slurmState, "Slurm: " + slurmSays, Actor).ConfigureAwait(false);
        }

        applied[name] = slurmState;
    }

    private async Task UnreachableAsync(string problem)
    {
        var wasReachable = status.Reachable;
        status.Failed(problem, time.GetUtcNow());
        if (wasReachable)
        {
            SlurmSyncLog.Unreachable(logger, problem);
        }

        // Down with the reason, so nothing is placed there and their cards say "unreachable"; marked as expected back,
        // so a submit that only they can hold is not refused as never fitting: it waits in the queue until Slurm answers.
        // Running jobs stay Running: nothing is failed because a call failed.
        foreach (var node in (engine.Feed.Current?.Snapshot.Nodes ?? []).Where(n => SlurmNodeView.IsSlurmNode(n) && (!n.ExpectedBack || n.State != NodeState.Down)))
        {
            await ReportAsync(node with { Note = $"{SlurmNodeView.NotePrefix}{UnreachableNote} since {status.UnreachableSince:u}: {problem}", ExpectedBack = true }).ConfigureAwait(false);
            if (node.State != NodeState.Down)
            {
                await engine.SetNodeStateAsync(node.Name, NodeState.Down, "unreachable: Slurm does not answer (" + problem + ")", Actor).ConfigureAwait(false);
            }

            applied[node.Name] = NodeState.Down;
        }
    }
}

internal static partial class SlurmSyncLog
{
    [LoggerMessage(Level = LogLevel.Error, Message = "A Slurm poll failed; trying again at the next interval")]
    public static partial void PollFailed(ILogger logger, Exception error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slurm is unreachable; its nodes take no new job until it answers: {Problem}")]
    public static partial void Unreachable(ILogger logger, string problem);

    [LoggerMessage(Level = LogLevel.Information, Message = "Slurm answers again at {Url}")]
    public static partial void Reachable(ILogger logger, string url);

    [LoggerMessage(Level = LogLevel.Information, Message = "Node {Node} was set {State} in the dashboard; sent to Slurm")]
    public static partial void SentToSlurm(ILogger logger, string node, NodeState state);

    [LoggerMessage(Level = LogLevel.Information, Message = "Node {Node} was resumed in the dashboard while it was avoided after Slurm kept job {Job} pending there; the avoidance ends (nothing is sent to Slurm: its node is not drained)")]
    public static partial void AvoidanceEnded(ILogger logger, string node, JobId job);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Node {Node}'s state could not be sent to Slurm: {Reason}")]
    public static partial void SendFailed(ILogger logger, string node, string reason);
}
