using System.Collections.Concurrent;
using Dashboard.Data.Sessions;
using Dashboard.Engine.Feed;
using Dashboard.Engine.Loop;
using Dashboard.Engine.Usage;
using Dashboard.Scheduling.Model;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Dashboard.Engine.Sessions;

/// <summary>
/// Every <see cref="SessionSettings.IdleSampleInterval"/> (on the injected clock): reads each running job's GPUs
/// (nvidia-smi on this host; simulated readings on demo nodes, labelled as such), asks <see cref="IdleRule"/> about it
/// with its policy (<see cref="SessionTypes.PolicyFor"/>) and its proxy traffic, counts idle GPU-time, writes the
/// owner's notices and stops what the policy stops, through the engine as the actor <see cref="Actor"/>.
/// It reads what the engine published and never changes cluster state itself.
/// </summary>
public sealed partial class IdleWatch(
    ClusterFeed feed,
    IGpuReadingSource readings,
    SessionEndpoints endpoints,
    JobNoticeStore notices,
    IdleUsageStore idleUsage,
    ClusterEngine engine,
    TimeProvider time,
    ILogger<IdleWatch> logger) : BackgroundService
{
    public const string Actor = "idle-policy";

    private readonly ConcurrentDictionary<JobId, IdleState> states = new();
    private readonly ConcurrentDictionary<JobId, IReadOnlyList<JobGpuReading>> lastReadings = new();
    private DateTimeOffset? lastSample;

    /// <summary>The GPUs of a running job as last sampled (empty before the first sample or for a job without GPUs).</summary>
    public IReadOnlyList<JobGpuReading> ReadingsOf(JobId job) => lastReadings.TryGetValue(job, out var found) ? found : [];

    /// <summary>Samples every running job once at <paramref name="now"/>; returns what was decided per job.</summary>
    public async Task<IReadOnlyDictionary<JobId, IdleVerdict>> SampleAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var verdicts = new Dictionary<JobId, IdleVerdict>();
        if (feed.Current is not { } current)
        {
            return verdicts;
        }

        var measured = await readings.ReadAsync(cancellationToken).ConfigureAwait(false);
        var interval = lastSample is { } last && now > last ? now - last : TimeSpan.Zero;
        lastSample = now;
        var nodes = current.Snapshot.Nodes.ToDictionary(n => n.Name, StringComparer.Ordinal);
        var running = new HashSet<JobId>();
        foreach (var job in current.Snapshot.Running)
        {
            running.Add(job.Job.Id);
            var gpus = GpusOf(job, nodes.GetValueOrDefault(job.Allocation.Node), measured, now);
            lastReadings[job.Job.Id] = gpus;
            var session = job.Job.IsSession;
            if (!session && job.Job.Request.Gpus == 0)
            {
                continue;
            }

            var policy = endpoints.Types.PolicyFor(job.Job.Spec);
            var state = states.GetOrAdd(job.Job.Id, new IdleState(job.Allocation.Start, null, false, false));
            var traffic = session ? endpoints.Find(job.Job.Id)?.LastTraffic : null;
            var (verdict, next) = IdleRule.Judge(state, policy, session, gpus, traffic, now);
            states[job.Job.Id] = next;
            verdicts[job.Job.Id] = verdict;
            if (verdict != IdleVerdict.Active && job.Job.Request.Gpus > 0 && interval > TimeSpan.Zero)
            {
                idleUsage.Add(job.Job.Id, job.Job.Team, job.Job.Spec.Owner, interval * job.Job.Request.Gpus, now);
            }

            if (verdict is IdleVerdict.Warn or IdleVerdict.Flag or IdleVerdict.Stop)
            {
                var message = IdleRule.Message(verdict, job.Job.Id, session, job.Job.Request.Gpus, now - next.LastActive, policy);
                var kind = verdict switch { IdleVerdict.Warn => JobNoticeKind.IdleWarning, IdleVerdict.Stop => JobNoticeKind.IdleStop, _ => JobNoticeKind.IdleFlag };
                notices.Append(job.Job.Id, job.Job.Spec.Owner, now, kind, message);
                LogNotice(logger, job.Job.Id, message);

                // The same words through the notification outbox: the bell, and email or webhooks where the owner chose them.
                await engine.NotifyIdleAsync(job.Job.Id, job.Job.Spec.Owner, kind, message, now).ConfigureAwait(false);
            }

            if (verdict == IdleVerdict.Stop)
            {
                await engine.CancelAsync(job.Job.Id, Actor).ConfigureAwait(false);
            }
        }

        foreach (var gone in states.Keys.Where(j => !running.Contains(j)).ToList())
        {
            states.TryRemove(gone, out _);
            lastReadings.TryRemove(gone, out _);
        }

        return verdicts;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(endpoints.Types.Options.IdleSampleInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    await SampleAsync(time.GetUtcNow(), stoppingToken).ConfigureAwait(false);
                }
                catch (Exception error) when (error is not OperationCanceledException)
                {
                    LogSampleFailed(logger, error);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The server is stopping.
        }
    }

    private static List<JobGpuReading> GpusOf(RunningJob job, Node? node, IReadOnlyDictionary<(string Node, int Index), GpuReading> measured, DateTimeOffset now)
    {
        var gpus = new List<JobGpuReading>();
        foreach (var index in job.Allocation.GpuIndices)
        {
            if (node is { Simulated: true })
            {
                var memory = node.Gpus.FirstOrDefault(g => g.Index == index)?.MemoryMiB ?? 0;
                var simulated = SimulatedGpuReadings.For(job.Job.Id.Value, index, now, memory);
                gpus.Add(new JobGpuReading(index, simulated.UtilisationPct, simulated.MemoryUsedMiB, true));
            }
            else if (measured.TryGetValue((job.Allocation.Node, index), out var reading))
            {
                gpus.Add(new JobGpuReading(index, reading.UtilisationPct, reading.MemoryUsedMiB, false));
            }
        }

        return gpus;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Idle policy, job {Job}: {Message}")]
    private static partial void LogNotice(ILogger logger, JobId job, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Idle sample failed; the next one is tried")]
    private static partial void LogSampleFailed(ILogger logger, Exception error);
}
