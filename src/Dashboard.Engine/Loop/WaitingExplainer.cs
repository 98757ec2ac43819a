using System.Collections.Immutable;
using Dashboard.Engine.Feed;
using Dashboard.Scheduling.Elastic;
using Dashboard.Scheduling.Model;
using Dashboard.Scheduling.Control;
using Dashboard.Scheduling.Planning;
using Microsoft.Extensions.Logging;

namespace Dashboard.Engine.Loop;

/// <summary>
/// What the explainer is asked to explain: the immutable state published as <paramref name="Version"/> at
/// <paramref name="At"/>, and the jobs an elastic pool provisions a node for.
/// </summary>
internal sealed record ExplanationRequest(long Version, DateTimeOffset At, ClusterSnapshot Snapshot, ImmutableArray<ProvisioningWait> Provisioning);

/// <summary>
/// Explains the waiting jobs (reason and estimated start) off the engine's writer. The writer hands it each state it
/// publishes and moves on; the explainer works on one state at a time on a thread of its own, and when several
/// states arrived meanwhile it takes only the newest (at most one computation in flight, the newest wins). Each
/// result is published beside the state with the time of the state it was computed from. While states stream in, it
/// rests after each computation for <c>rest</c> times as long as the computation took (<see cref="EngineOptions.ExplainerRest"/>),
/// at least <c>minRest</c> (<see cref="EngineOptions.ExplainerMinRest"/>: a cheap computation over a short queue is not
/// repeated for every batch of submits) and at most <c>maxRest</c> (so the explanations' age stays bounded on a slow
/// machine; it wins over <c>minRest</c>), and leaves the writer and the
/// requests most of the cores; the rest is measured and waited on <c>pacing</c>, the
/// machine's clock (the work is real CPU time whatever the engine's own clock says).
/// </summary>
internal sealed class WaitingExplainer
{
    private readonly Func<ExplanationRequest, WaitingExplanationSet> explain;
    private readonly Action<WaitingExplanationSet> publish;
    private readonly ILogger logger;
    private readonly TimeProvider pacing;
    private readonly double rest;
    private readonly TimeSpan minRest;
    private readonly TimeSpan maxRest;
    private readonly Lock gate = new();
    private ExplanationRequest? next;
    private bool working;

    /// <summary>When the next computation may start (on <see cref="pacing"/>); read and written by the one worker in flight.</summary>
    private DateTimeOffset restUntil = DateTimeOffset.MinValue;

    public WaitingExplainer(ClusterFeed feed, TimeProvider pacing, double rest, TimeSpan minRest, TimeSpan maxRest, ILogger logger)
        : this(Explain, feed.PublishExplanations, logger, pacing, rest, maxRest, minRest)
    {
    }

    /// <summary>With another computation and destination (tests hold a computation to see requests coalesce, or move <paramref name="pacing"/> to see it rest).</summary>
    internal WaitingExplainer(Func<ExplanationRequest, WaitingExplanationSet> explain, Action<WaitingExplanationSet> publish, ILogger logger, TimeProvider? pacing = null, double rest = 0, TimeSpan? maxRest = null, TimeSpan? minRest = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rest);
        ArgumentOutOfRangeException.ThrowIfLessThan(minRest ?? TimeSpan.Zero, TimeSpan.Zero);
        this.explain = explain;
        this.publish = publish;
        this.logger = logger;
        this.pacing = pacing ?? TimeProvider.System;
        this.rest = rest;
        this.maxRest = maxRest ?? TimeSpan.MaxValue;
        this.minRest = minRest ?? TimeSpan.Zero;
    }

    /// <summary>
    /// Asks for <paramref name="request"/> to be explained; returns at once. A request still waiting when a newer one
    /// comes is dropped.
    /// </summary>
    public void Request(ExplanationRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        lock (gate)
        {
            next = request;
            if (working)
            {
                return;
            }

            working = true;
        }

        _ = Task.Run(WorkAsync);
    }

    /// <summary>
    /// A full scheduling pass over the state that explains every waiting job (the writer's own passes decide the
    /// same starts without explaining), with the provisioning waits on top.
    /// </summary>
    public static WaitingExplanationSet Explain(ExplanationRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var snapshot = request.Snapshot;
        // Held jobs, jobs waiting for a dependency and sweeps at their limit are kept from the plan as the writer
        // keeps them, and say why they wait instead.
        var split = Eligibility.Split(snapshot with { Settings = snapshot.Settings with { ExplainAllPending = true } });
        var plan = Scheduler.Plan(split.Eligible, request.At);
        var byJob = new Dictionary<JobId, PendingExplanation>(plan.Pending.Count + split.Waiting.Length);
        foreach (var explanation in plan.Pending)
        {
            byJob[explanation.Job] = explanation;
        }

        foreach (var waiting in split.Waiting)
        {
            byJob[waiting.Job.Id] = EligibilitySplit.Explain(waiting);
        }

        foreach (var wait in request.Provisioning)
        {
            if (byJob.TryGetValue(wait.Job, out var waiting))
            {
                byJob[wait.Job] = wait.Explain(waiting);
            }
        }

        return new WaitingExplanationSet(request.Version, request.At, byJob.AsReadOnly());
    }

    private async Task WorkAsync()
    {
        while (true)
        {
            // Rest first: the newest state that arrived meanwhile is the one explained after it.
            var left = restUntil - pacing.GetUtcNow();
            if (left > TimeSpan.Zero)
            {
                await Task.Delay(left, pacing).ConfigureAwait(false);
            }

            ExplanationRequest request;
            lock (gate)
            {
                if (next is null)
                {
                    working = false;
                    return;
                }

                request = next;
                next = null;
            }

            var started = pacing.GetTimestamp();
            WaitingExplanationSet? explained = null;
            try
            {
                explained = explain(request);
            }
#pragma warning disable CA1031 // One state that cannot be explained must not stop the explanations of the next.
            catch (Exception error)
#pragma warning restore CA1031
            {
                ExplainerLog.Failed(logger, error, request.Version);
            }

            var resting = pacing.GetElapsedTime(started) * rest;
            resting = resting > minRest ? resting : minRest;
            restUntil = pacing.GetUtcNow() + (resting < maxRest ? resting : maxRest);
            if (explained is not null)
            {
                publish(explained);
            }
        }
    }
}

internal static partial class ExplainerLog
{
    [LoggerMessage(Level = LogLevel.Error, Message = "The waiting jobs of state {Version} could not be explained")]
    public static partial void Failed(ILogger logger, Exception error, long version);
}
