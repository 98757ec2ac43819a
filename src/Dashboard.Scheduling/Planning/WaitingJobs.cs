using System.Buffers;
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
/// in <see cref="TeamNames"/>). Its array is rented from the shared pool (a full-cluster pass has ~100,000 entries,
/// which would otherwise be a large-object allocation per pass) and given back by <see cref="Dispose"/>.
/// </summary>
internal sealed class WaitingJobs(string[] teamNames) : IReadOnlyList<Job>, IDisposable
{
    private JobFacts[] items = ArrayPool<JobFacts>.Shared.Rent(256);

    public string[] TeamNames { get; } = teamNames;

    public int Count { get; private set; }

    public Job this[int index] => items[index].Job;

    public ref readonly JobFacts Facts(int index) => ref items[index];

    public void Add(Job job, int team, PendingCause cause, BackfillReservation? reservation, JobId? blockingJob)
    {
        if (Count == items.Length)
        {
            var larger = ArrayPool<JobFacts>.Shared.Rent(items.Length * 2);
            Array.Copy(items, larger, Count);
            Return(items, Count);
            items = larger;
        }

        items[Count++] = JobFacts.Of(job, team, cause, reservation, blockingJob);
    }

    public IEnumerator<Job> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return items[i].Job;
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public void Dispose()
    {
        Return(items, Count);
        items = [];
        Count = 0;
    }

    /// <summary>Gives an array back with its used part cleared, so the pool holds no jobs alive.</summary>
    private static void Return(JobFacts[] array, int used)
    {
        Array.Clear(array, 0, used);
        ArrayPool<JobFacts>.Shared.Return(array);
    }
}
