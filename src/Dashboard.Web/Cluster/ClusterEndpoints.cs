using Dashboard.Api.Contracts;
using Dashboard.Engine.Feed;
using Dashboard.Engine.Loop;
using Dashboard.Scheduling.Model;
using Dashboard.Web.Api;

namespace Dashboard.Web.Cluster;

/// <summary><c>/api/v1/cluster</c>, <c>/api/v1/nodes</c> and <c>/api/v1/me</c>: what every signed-in user may read.</summary>
public static class ClusterEndpoints
{
    public static RouteGroupBuilder MapClusterEndpoints(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        api.MapGet("/cluster", (ClusterEngine engine) => engine.Feed.Current is { } update ? Results.Ok(SummaryOf(update)) : Starting())
            .WithTags("Cluster")
            .WithName("GetClusterSummary")
            .WithSummary("Cluster summary")
            .WithDescription("GPUs, CPU cores and memory (GiB) in total and allocated (Ready and Draining nodes count, Down nodes do not), "
                + "pending and running jobs, and nodes by state. 503 while the engine is starting.")
            .Produces<ClusterSummaryView>()
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        api.MapGet("/nodes", (ClusterEngine engine) => engine.Feed.Current is { } update ? Results.Ok(NodesOf(update)) : Starting())
            .WithTags("Cluster")
            .WithName("ListNodes")
            .WithSummary("Nodes")
            .WithDescription("Every node with its state, capacity, use and each GPU with the job and team holding it, as on the Cluster page.")
            .Produces<IReadOnlyList<Dashboard.Api.Contracts.NodeView>>()
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        api.MapGet("/me", (HttpContext context) =>
            {
                var user = ApiCaller.Of(context);
                return TypedResults.Ok(new AccountView(user.Name, user.Role.ToString(), [.. user.Teams]));
            })
            .WithTags("Account")
            .WithName("GetCaller")
            .WithSummary("Who am I")
            .WithDescription("The account the request is signed in as (cookie or token): name, role and teams.")
            .Produces<AccountView>();
        return api;
    }

    internal static IResult Starting() =>
        ApiProblems.Problem(StatusCodes.Status503ServiceUnavailable, "The engine is starting", "The engine has not published the cluster's state yet; try again in a moment.");

    public static ClusterSummaryView SummaryOf(ClusterUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        var summary = update.Summary;
        return new ClusterSummaryView(
            update.At,
            summary.GpusTotal,
            summary.GpusUsed,
            ApiUnits.Cores(summary.CpuMillicoresTotal),
            ApiUnits.Cores(summary.CpuMillicoresUsed),
            ApiUnits.GiB(summary.MemoryMiBTotal),
            ApiUnits.GiB(summary.MemoryMiBUsed),
            summary.PendingJobs,
            summary.RunningJobs,
            summary.Nodes.Length,
            summary.Nodes.Count(n => n.State == NodeState.Ready),
            summary.Nodes.Count(n => n.State == NodeState.Draining),
            summary.Nodes.Count(n => n.State == NodeState.Down),
            summary.Nodes.Count(n => n.Simulated));
    }

    public static IReadOnlyList<Dashboard.Api.Contracts.NodeView> NodesOf(ClusterUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        var holders = new Dictionary<(string Node, int Gpu), RunningJob>();
        foreach (var running in update.Snapshot.Running)
        {
            foreach (var index in running.Allocation.GpuIndices)
            {
                holders[(running.Allocation.Node, index)] = running;
            }
        }

        var summaries = update.Summary.Nodes.ToDictionary(n => n.Name, StringComparer.Ordinal);
        return
        [
            .. update.Snapshot.Nodes.OrderBy(n => n.Name, StringComparer.Ordinal).Select(node =>
            {
                var used = summaries.GetValueOrDefault(node.Name);
                return new Dashboard.Api.Contracts.NodeView(
                    node.Name,
                    node.State.ToString(),
                    node.Simulated,
                    node.Gpus.Length,
                    used?.GpusUsed ?? 0,
                    ApiUnits.Cores(node.CpuMillicores),
                    ApiUnits.Cores(used?.CpuMillicoresUsed ?? 0),
                    ApiUnits.GiB(node.MemoryMiB),
                    ApiUnits.GiB(used?.MemoryMiBUsed ?? 0),
                    [.. node.Gpus.Select(g => holders.TryGetValue((node.Name, g.Index), out var holder)
                        ? new NodeGpuView(g.Index, g.Model, g.MemoryMiB, holder.Job.Id.Value, holder.Job.Team)
                        : new NodeGpuView(g.Index, g.Model, g.MemoryMiB, null, null))]);
            }),
        ];
    }
}
