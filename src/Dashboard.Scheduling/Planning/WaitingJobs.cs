using System.Collections;
using Dashboard.Scheduling.Model;

namespace Dashboard.Scheduling.Planning;

/// <summary>
/// One job a pass leaves waiting: why (steps 4, 5, 7) and what steps 6 and 7 need of it, copied out of the job's
/// records while the pass looks at it anyway. The start estimator and the explanations then walk one flat array
/// instead of following Job -> JobSpec -> ResourceRequest for each of some 300,000 steps of a full-cluster pass.
/// </summary>
internal readonly record struct JobFacts(
    Job Job,
    JobId Id,
    int Team,
    ResourceRequest Request,
    int Gpus,
    long CpuMillicores,
    long MemoryMiB,
    string? GpuModel,
    TimeSpan? Walltime,
    PendingCause Cause,
    BackfillReservation? Reservation,
    JobId? BlockingJob)
{
    public static JobFacts Of(Job job, int team, PendingCause cause, BackfillReservation? reservation, JobId? blockingJob)
    {
        var request = job.Request;
        return new JobFacts(job, job.Id, team, request, request.Gpus, request.CpuMillicores, request.MemoryMiB, request.GpuModel, job.Spec.Walltime, cause, reservation, blockingJob);
    }
}

/// <summary>
/// The jobs a pass leaves waiting, in scheduling order, with their <see cref="JobFacts"/> and team numbers (positions
/// in <see cref="TeamNames"/>), and room for their estimated starts. A full-cluster pass has ~100,000 entries: two
/// large-object allocations per pass, each of which brings the next full (gen 2) collection closer, so the arrays
/// are kept for the next pass instead (one spare set for the process, taken and given back atomically; the shared
/// array pool is no good here: it drops large arrays at every full collection). <see cref="Dispose"/> gives them back.
/// </summary>
internal sealed class WaitingJobs(string[] teamNames) : IReadOnlyList<Job>, IDisposable
{
    private static Buffers? spare;

    private Buffers buffers = Interlocked.Exchange(ref spare, null) ?? new Buffers(256);

    public string[] TeamNames { get; } = teamNames;

    public int Count { get; private set; }

    public Job this[int index] => buffers.Items[index].Job;

    public ref readonly JobFacts Facts(int index) => ref buffers.Items[index];

    /// <summary>Room for an estimated start per job, position by position (at least <see cref="Count"/> long; not cleared).</summary>
    public DateTimeOffset?[] Estimates => buffers.Estimates;

    public void Add(Job job, int team, PendingCause cause, BackfillReservation? reservation, JobId? blockingJob)
    {
        if (Count == buffers.Items.Length)
        {
            var larger = new Buffers(buffers.Items.Length * 2);
            Array.Copy(buffers.Items, larger.Items, Count);
            buffers = larger;
        }

        buffers.Items[Count++] = JobFacts.Of(job, team, cause, reservation, blockingJob);
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

        public DateTimeOffset?[] Estimates { get; } = new DateTimeOffset?[length];
    }
}
