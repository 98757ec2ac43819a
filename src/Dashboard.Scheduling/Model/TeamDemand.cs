using System.Collections.Immutable;

namespace Dashboard.Scheduling.Model;

/// <summary>
/// What one team's pending jobs ask for, summarised for the never-fits check: how many jobs ask for each request,
/// the largest request in each dimension (<see cref="Peak"/>) and how many ask for no GPU. <see cref="PendingQueue"/>
/// keeps it up to date on every add and remove, so a pass learns whether any job could break a team's quota ceiling
/// from one comparison instead of a walk over the backlog.
/// </summary>
public sealed record TeamDemand(ImmutableDictionary<ResourceRequest, int> Requests, ResourceAmount Peak, int WithoutGpus)
{
    public static TeamDemand None { get; } = new(ImmutableDictionary<ResourceRequest, int>.Empty, ResourceAmount.Zero, 0);

    public TeamDemand Add(ResourceRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new TeamDemand(
            Requests.SetItem(request, Requests.GetValueOrDefault(request) + 1),
            Larger(Peak, request.Amount),
            WithoutGpus + (request.Gpus == 0 ? 1 : 0));
    }

    public TeamDemand Remove(ResourceRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var left = Requests.GetValueOrDefault(request) - 1;

        // The peak can only fall when the last job of a request leaves: only then is it taken again from the rest.
        var requests = left > 0 ? Requests.SetItem(request, left) : Requests.Remove(request);
        var peak = left > 0 ? Peak : PeakOf(requests.Keys);
        return new TeamDemand(requests, peak, WithoutGpus - (request.Gpus == 0 ? 1 : 0));
    }

    /// <summary>The largest of each dimension over <paramref name="requests"/> (zero for none).</summary>
    public static ResourceAmount PeakOf(IEnumerable<ResourceRequest> requests)
    {
        ArgumentNullException.ThrowIfNull(requests);
        var peak = ResourceAmount.Zero;
        foreach (var request in requests)
        {
            peak = Larger(peak, request.Amount);
        }

        return peak;
    }

    private static ResourceAmount Larger(ResourceAmount a, ResourceAmount b) =>
        new(Math.Max(a.Gpus, b.Gpus), Math.Max(a.CpuMillicores, b.CpuMillicores), Math.Max(a.MemoryMiB, b.MemoryMiB));
}
