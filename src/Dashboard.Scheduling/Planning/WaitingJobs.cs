using System.Collections;
using Dashboard.Scheduling.Model;

namespace Dashboard.Scheduling.Planning;

/// <summary>
/// One job a pass leaves waiting, as step 6's explanations need it: the job, its team number, why it waits (steps 4,
/// 5, 7) and its reservation or blocking job, copied out while the pass looks at the job anyway.
/// </summary>
internal readonly record struct JobFacts(Job Job, int Team, PendingCause Cause, BackfillReservation? Reservation, JobId? BlockingJob);

/// <summary>
/// One job a pass leaves waiting, as step 6's start estimator needs it: id, team number, request and walltime. Kept
/// apart from <see cref="JobFacts"/> so the estimator, which walks some 300,000 steps over these in a full-cluster
/// pass, reads half as many bytes per job (and never follows Job -> JobSpec -> ResourceRequest).
/// </summary>
internal readonly record struct JobDemand(long Id, int Team, int Gpus, long CpuMillicores, long MemoryMiB, string? GpuModel, TimeSpan? Walltime)
{
    public static JobDemand Of(in QueuedJob job, int team) =>
        new(job.Id.Value, team, job.Amount.Gpus, job.Amount.CpuMillicores, job.Amount.MemoryMiB, job.GpuModel, job.Walltime);
}

/// <summary>
/// The jobs a pass leaves waiting, in scheduling order, with their <see cref="JobFacts"/> and <see cref="JobDemand"/>
/// and team numbers (positions in <see cref="TeamNames"/>), and room for their estimated starts. A full-cluster pass
/// has ~100,000 entries: three large-object allocations per pass, each of which brings the next full (gen 2)
/// collection closer, so the arrays are kept for the next pass instead (one spare set for the process, taken and given
/// back atomically; the shared array pool is no good here: it drops large arrays at every full collection).
/// <see cref="Dispose"/> gives them back.
/// </summary>
internal sealed class WaitingJobs(string[] teamNames) : IReadOnlyList<Job>, IDisposable
{
    private static Buffers? spare;

    private Buffers buffers = Interlocked.Exchange(ref spare, null) ?? new Buffers(256);

    public string[] TeamNames { get; } = teamNames;

    public int Count { get; private set; }

    public Job this[int index] => buffers.Items[index].Job;

    public ref readonly JobFacts Facts(int index) => ref buffers.Items[index];

    public ref readonly JobDemand Demand(int index) => ref buffers.Demands[index];

    /// <summary>Room for an estimated start per job, position by position (at least <see cref="Count"/> long; not cleared).</summary>
    public DateTimeOffset?[] Estimates => buffers.Estimates;

    /// <summary>
    /// Adds <paramref name="job"/> (its keys and request as the walk read them) as the next waiting job; the estimator
    /// simulates it running for <paramref name="expectedRunTime"/> (its predicted run time, capped by its walltime).
    /// </summary>
    public void Add(in QueuedJob job, int team, PendingCause cause, BackfillReservation? reservation, JobId? blockingJob, TimeSpan? expectedRunTime)
    {
        if (Count == buffers.Items.Length)
        {
            var larger = new Buffers(buffers.Items.Length * 2);
            Array.Copy(buffers.Items, larger.Items, Count);
            Array.Copy(buffers.Demands, larger.Demands, Count);
            buffers = larger;
        }

        buffers.Items[Count] = new JobFacts(job.Job, team, cause, reservation, blockingJob);
        buffers.Demands[Count] = JobDemand.Of(job, team) with { Walltime = expectedRunTime };
        Count++;
    }

    public IEnumerator<Job> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return buffers.Items[i].Job;
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Keeps the arrays for the next pass, their used part cleared so they hold no job alive.</summary>
    public void Dispose()
    {
        Array.Clear(buffers.Items, 0, Count);
        Array.Clear(buffers.Demands, 0, Count);
        Count = 0;
        // Read once: another pass may take the spare between two reads.
        var kept = Volatile.Read(ref spare);
        if (kept is null || kept.Items.Length < buffers.Items.Length)
        {
            Volatile.Write(ref spare, buffers);
        }

        buffers = Buffers.None;
    }

    private sealed class Buffers(int length)
    {
        public static readonly Buffers None = new(0);

        public JobFacts[] Items { get; } = new JobFacts[length];

        public JobDemand[] Demands { get; } = new JobDemand[length];

        public DateTimeOffset?[] Estimates { get; } = new DateTimeOffset?[length];
    }
}
