using System.Collections.Immutable;
using Dashboard.Data;
using Dashboard.Data.UsageHistory;
using Dashboard.Engine.Feed;
using Dashboard.Engine.Usage;
using Dashboard.Scheduling.Model;
using Dashboard.Web.Identity;

namespace Dashboard.Web.Usage;

/// <summary>The answer to a usage question: the charts' series and the table, or why there is none.</summary>
public sealed record UsageAnswer(UsageSeries? Series, UsageTable? Table, ImmutableDictionary<string, string> Problems, string? Forbidden)
{
    public bool Succeeded => Series is not null && Table is not null;
}

/// <summary>
/// The one place the page, the CSV downloads and the API ask for usage: parses the request, applies who may see
/// what (<see cref="UsageScope"/>), reads the store and builds series and table with the pure builders.
/// </summary>
public sealed class UsageReports(UsageHistoryStore store, ClusterFeed feed, UsageOptions options, TimeProvider time)
{
    public UsageAnswer Ask(ICurrentUser user, UsageRequest request)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(request);
        // Whole milliseconds, the stored precision: the table's edges are then the same for every source it reads.
        var now = UtcTimestamp.Truncate(time.GetUtcNow());
        var (query, problems) = request.Parse(now, options.Retention.MinuteSamples, options.Retention.HourRollups);
        if (query is null)
        {
            return new UsageAnswer(null, null, problems, null);
        }

        if (query.Team is { } team && !UsageScope.MayAsk(user, team))
        {
            return new UsageAnswer(null, null, problems, $"{user.Name} may not see the usage of team {team}");
        }

        var scope = UsageScope.For(user);
        query = query with { Group = scope.Grouping(query.Group) };
        var points = store.Points(scope.Samples(query.Group, query.Team), query.From, query.To, query.Bucket);
        var series = UsageSeriesBuilder.Build(query, points, CapacityGpus());
        // Whole days from the per-day job roll-ups, the partial first and last days and what is still held from the
        // allocations: the same figures as totalling every allocation, without reading a year of them.
        var totals = store.JobTotals(scope.Jobs(query.Team), query.Group == UsageGrouping.User, query.From, query.To, now, UsageKey.Of);
        var table = UsageTableBuilder.Build(query, totals, series);
        var lost = store.LostGpuHours(scope.Jobs(query.Team), query.Group == UsageGrouping.User, query.From, query.To, UsageKey.Of);
        table = table with { Rows = [.. table.Rows.Select(r => lost.TryGetValue(r.Key, out var hours) ? r with { LostGpuHours = hours } : r)] };
        if (scope.OnlyUser is null)
        {
            // Reserved time is the team's: charged on team rows (a team that booked and ran nothing gets a row of its own).
            var reserved = ReservedTimeBuilder.Build(query, store.ReservedPoints(scope.Jobs(query.Team).Teams, query.From, query.To, query.Bucket));
            series = series with { Reserved = reserved };
            table = ReservedRows.Charge(table, reserved);
        }

        return new UsageAnswer(series, table, problems, null);
    }

    /// <summary>The teams a person may narrow the view to: all known teams for admins, their own teams otherwise.</summary>
    public IReadOnlyList<string> TeamsFor(ICurrentUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (!user.IsAdmin())
        {
            return [.. user.Teams.Order(StringComparer.Ordinal)];
        }

        var quotas = feed.Current?.Snapshot.Quotas.Select(q => q.Team) ?? [];
        return [.. quotas.Concat(store.Teams()).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
    }

    /// <summary>The cluster's GPUs now (nodes that are not down), from the engine's published snapshot.</summary>
    public int CapacityGpus() =>
        feed.Current?.Snapshot.Nodes.Where(n => n.State != NodeState.Down).Sum(n => n.Gpus.Length) ?? 0;

    public UsageOptions Options => options;
}
