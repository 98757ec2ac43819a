using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using Dashboard.Scheduling.Model;
using Dashboard.Scheduling.Planning;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.FSharp.Core;

namespace Dashboard.Scheduling.Tests.Builders;

/// <summary>One thing that happens to a cluster between two scheduling passes.</summary>
internal abstract record Operation;

/// <summary>Team index <see cref="Team"/> (one past the last team: a team without quota) submits <see cref="Copies"/> alike jobs.</summary>
internal sealed record SubmitOperation(int Team, int Gpus, int CpuHalfCores, int MemoryGiB, int? WalltimeMinutes, int Priority, string? Model, int Copies = 1) : Operation;

/// <summary>Time moves on; every running job whose expected end has come ends exactly then.</summary>
internal sealed record AdvanceOperation(int Minutes) : Operation;

/// <summary>A running job (picked by index) ends early: it finished, failed or was cancelled.</summary>
internal sealed record EndOperation(int Pick) : Operation;

/// <summary>A pending job (picked by index) is cancelled.</summary>
internal sealed record CancelOperation(int Pick) : Operation;

/// <summary>An admin sets a team's quota.</summary>
internal sealed record QuotaOperation(int Team, int NominalGpus, int BorrowGpus, int NominalCpuCores, int BorrowCpuCores) : Operation;

/// <summary>A node is drained, taken down or made ready again.</summary>
internal sealed record NodeStateOperation(int Node, NodeState State) : Operation;

/// <summary>A random cluster, its teams and settings, and the operations that happen to it.</summary>
internal sealed record Scenario(
    ImmutableArray<Node> Nodes,
    ImmutableArray<TeamQuota> Quotas,
    ImmutableArray<TeamUsage> Usage,
    SchedulerSettings Settings,
    ImmutableArray<Operation> Operations)
{
    public ClusterSnapshot Initial => new(Nodes, Quotas, PendingQueue.Empty, [], Usage, Settings);

    public override string ToString()
    {
        var text = new StringBuilder();
        text.AppendLine();
        foreach (var node in Nodes)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  node {node.Name} {node.State} gpus=[{string.Join(",", node.Gpus.Select(g => g.Model))}] cpu={node.CpuMillicores} mem={node.MemoryMiB}");
        }

        foreach (var quota in Quotas)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  team {quota.Team} nominal=({quota.Nominal}) borrow=({quota.BorrowingLimit}) weight={quota.FairShareWeight} maxPriority={quota.MaxPriority}");
        }

        foreach (var usage in Usage)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  usage {usage}");
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"  settings {Settings}");
        foreach (var operation in Operations)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {operation}");
        }

        return text.ToString();
    }
}

/// <summary>What one pass saw and decided, for property checks.</summary>
internal sealed record PlanStep(ClusterSnapshot Before, SchedulePlan Plan, ClusterSnapshot Applied, DateTimeOffset Now, int Step);

/// <summary>
/// Random clusters (1-6 nodes of 0-8 GPUs, mostly one model per node, some mixed; some draining or down), random
/// teams and quotas, and random operation sequences. Every generator is deterministic for a given seed.
/// </summary>
internal static class Scenarios
{
    public const int Cases = 1000;

    public static readonly string[] Models = ["A100", "H100"];

    /// <summary>Runs <paramref name="property"/> on <see cref="Cases"/> scenarios from a fixed seed.</summary>
    public static void Check(Action<Scenario> property, ulong seed, bool mixedNodes = true)
    {
        var config = Config.QuickThrowOnFailure
            .WithMaxTest(Cases)
            .WithReplay(FSharpOption<Replay>.Some(new Replay(new Rnd(seed, 0x9E3779B97F4A7C15UL), FSharpOption<int>.None)));
        FsCheck.Check.One(config, Prop.ForAll(Arb.From(Scenario(mixedNodes)), property));
    }

    public static Gen<Scenario> Scenario(bool mixedNodes) =>
        from nodeCount in Gen.Choose(1, 6)
        from nodes in Gen.ArrayOf(NodeShape(mixedNodes), nodeCount)
        from teamCount in Gen.Choose(1, 3)
        from quotas in Gen.ArrayOf(Quota(), teamCount)
        from usage in Gen.ArrayOf(Gen.Frequency((2, Gen.Constant(-1)), (1, Gen.Choose(0, 200_000))), teamCount)
        from depth in Gen.Elements(0, 1, 2, 100)
        from explainAll in Gen.Frequency((4, Gen.Constant(true)), (1, Gen.Constant(false)))
        from reclaimAnything in Gen.Elements(true, false)
        from operationCount in Gen.Choose(1, 30)
        from operations in Gen.ArrayOf(Operation(nodeCount, teamCount), operationCount)
        select new Scenario(
            [.. nodes.Select((n, i) => n with { Name = "n" + i.ToString(CultureInfo.InvariantCulture) })],
            [.. quotas.Select((q, i) => q with { Team = TeamName(i) })],
            [.. usage.Select((u, i) => (u, i)).Where(p => p.u >= 0).Select(p => new TeamUsage(TeamName(p.i), p.u, p.u / 4.0, Time.Now.AddDays(-p.i)))],
            reclaimAnything ? WithoutReclaimLimits(Recorded(depth, explainAll)) : Recorded(depth, explainAll),
            [.. operations]);

    /// <summary>
    /// The settings the scenarios (and the plan digests recorded from them) were written for: aging of 1 place per hour
    /// and a 4-hour starvation bound, pinned so that a change of the product's defaults does not change the plans.
    /// </summary>
    public static SchedulerSettings Recorded(int depth, bool explainAll) =>
        new SchedulerSettings(TimeSpan.FromDays(7), depth, explainAll) { AgeWeight = 1.0, StarvationAfter = TimeSpan.FromHours(4) };

    /// <summary>Settings under which any borrowing job may be preempted to reclaim (no minimum run, no loss limit).</summary>
    public static SchedulerSettings WithoutReclaimLimits(SchedulerSettings settings) =>
        settings with { MinRunBeforePreemption = TimeSpan.Zero, MaxPreemptionLoss = TimeSpan.MaxValue };

    public static string TeamName(int index) => index switch
    {
        0 => "a",
        1 => "b",
        2 => "c",
        _ => "ghost",
    };

    private static Gen<Node> NodeShape(bool mixedNodes) =>
        from gpus in Gen.Frequency((1, Gen.Choose(0, 3)), (4, Gen.Choose(4, 8)))
        from model in Gen.Elements(Models)
        from mixed in mixedNodes ? Gen.Frequency((9, Gen.Constant(false)), (1, Gen.Constant(true))) : Gen.Constant(false)
        from cores in Gen.Elements(8, 16, 32, 64)
        from memoryGiB in Gen.Elements(32, 64, 128, 256)
        from state in Gen.Frequency((8, Gen.Constant(NodeState.Ready)), (1, Gen.Constant(NodeState.Draining)), (1, Gen.Constant(NodeState.Down)))
        select new Node(
            "?",
            [.. Enumerable.Range(0, gpus).Select(i => new Gpu(i, mixed ? Models[i % 3 == 0 ? 0 : 1] : model, 80 * 1024))],
            cores * Units.MillicoresPerCore,
            memoryGiB * Units.MiBPerGiB,
            state);

    private static Gen<TeamQuota> Quota() =>
        from nominalGpus in Gen.Choose(0, 8)
        from borrowGpus in Gen.Choose(0, 8)
        from nominalCores in Gen.Elements(16, 64, 1000)
        from borrowCores in Gen.Elements(0, 16, 1000)
        from weight in Gen.Elements(0.5, 1.0, 2.0)
        from maxPriority in Gen.Elements(5, 1000)
        select new TeamQuota(
            "?",
            new ResourceAmount(nominalGpus, nominalCores * Units.MillicoresPerCore, 1024 * Units.MiBPerGiB),
            new ResourceAmount(borrowGpus, borrowCores * Units.MillicoresPerCore, 512 * Units.MiBPerGiB),
            weight,
            maxPriority);

    private static Gen<Operation> Operation(int nodeCount, int teamCount) => Gen.Frequency(
        (10, Submit(teamCount)),
        (4, Gen.Choose(1, 120).Select(m => (Operation)new AdvanceOperation(m))),
        (2, Gen.Choose(0, 1000).Select(p => (Operation)new EndOperation(p))),
        (1, Gen.Choose(0, 1000).Select(p => (Operation)new CancelOperation(p))),
        (1, QuotaChange(teamCount)),
        (1, NodeStateChange(nodeCount)));

    private static Gen<Operation> Submit(int teamCount) =>
        from team in Gen.Frequency((30, Gen.Choose(0, teamCount - 1)), (1, Gen.Constant(teamCount)))
        from gpus in Gen.Frequency((3, Gen.Constant(0)), (10, Gen.Choose(1, 2)), (6, Gen.Choose(3, 4)), (4, Gen.Choose(5, 8)), (1, Gen.Choose(9, 12)))
        from halfCores in Gen.Frequency((20, Gen.Elements(1, 2, 4, 8, 16, 32)), (1, Gen.Constant(100)))
        from memoryGiB in Gen.Frequency((20, Gen.Elements(1, 4, 16, 64)), (1, Gen.Constant(200)))
        from walltime in Gen.Frequency((1, Gen.Constant<int?>(null)), (5, Gen.Choose(10, 240).Select(m => (int?)m)))
        from priority in Gen.Frequency((20, Gen.Choose(0, 3)), (1, Gen.Constant(10)))
        from model in Gen.Frequency((14, Gen.Constant<string?>(null)), (2, Gen.Constant<string?>("A100")), (2, Gen.Constant<string?>("h100")), (1, Gen.Constant<string?>("B200")))
        from copies in Gen.Frequency((3, Gen.Constant(1)), (1, Gen.Choose(2, 4)))
        select (Operation)new SubmitOperation(team, gpus, halfCores, memoryGiB, walltime, priority, gpus == 0 ? null : model, copies);

    private static Gen<Operation> QuotaChange(int teamCount) =>
        from team in Gen.Choose(0, teamCount - 1)
        from nominal in Gen.Choose(0, 8)
        from borrow in Gen.Choose(0, 8)
        from nominalCores in Gen.Elements(16, 64, 1000)
        from borrowCores in Gen.Elements(0, 16, 1000)
        select (Operation)new QuotaOperation(team, nominal, borrow, nominalCores, borrowCores);

    private static Gen<Operation> NodeStateChange(int nodeCount) =>
        from node in Gen.Choose(0, nodeCount - 1)
        from state in Gen.Frequency((3, Gen.Constant(NodeState.Ready)), (2, Gen.Constant(NodeState.Draining)), (1, Gen.Constant(NodeState.Down)))
        select (Operation)new NodeStateOperation(node, state);
}

/// <summary>
/// Plays a <see cref="Scenario"/> the way the engine would: apply each operation with <see cref="ClusterTransitions"/>,
/// plan, hand the plan to <paramref name="check"/>, apply it, and stop the preemption victims (requeue them).
/// </summary>
internal static class ScenarioPlayer
{
    public static void Play(Scenario scenario, Action<PlanStep> check)
    {
        var snapshot = scenario.Initial;
        var now = Time.Now;
        var nextId = 1L;
        for (var step = 0; step < scenario.Operations.Length; step++)
        {
            (snapshot, now) = Apply(snapshot, now, scenario.Operations[step], ref nextId);
            var plan = Scheduler.Plan(snapshot, now);
            var applied = ClusterTransitions.ApplyPlan(snapshot, plan);
            check(new PlanStep(snapshot, plan, applied, now, step));
            snapshot = applied;
            foreach (var victim in plan.Preemptions.Select(p => p.Victim).Distinct())
            {
                snapshot = ClusterTransitions.Requeue(snapshot, victim, now);
            }
        }
    }

    /// <summary>Releases, at its expected end, every running job that ends by <paramref name="until"/>, earliest first.</summary>
    public static ClusterSnapshot EndJobsDueBy(ClusterSnapshot snapshot, DateTimeOffset until)
    {
        var due = snapshot.Running
            .Where(r => r.Allocation.ExpectedEnd is { } end && end <= until)
            .OrderBy(r => r.Allocation.ExpectedEnd)
            .ThenBy(r => r.Job.Id)
            .ToList();
        foreach (var job in due)
        {
            snapshot = ClusterTransitions.Release(snapshot, job.Job.Id, job.Allocation.ExpectedEnd!.Value);
        }

        return snapshot;
    }

    private static JobSpec Spec(SubmitOperation submit) => new(
        "job",
        "owner",
        Scenarios.TeamName(submit.Team),
        "run",
        new ResourceRequest(submit.Gpus, submit.CpuHalfCores * 500L, submit.MemoryGiB * Units.MiBPerGiB, submit.Model),
        Walltime: submit.WalltimeMinutes is { } minutes ? TimeSpan.FromMinutes(minutes) : null,
        Priority: submit.Priority);

    private static (ClusterSnapshot Snapshot, DateTimeOffset Now) Apply(ClusterSnapshot snapshot, DateTimeOffset now, Operation operation, ref long nextId)
    {
        switch (operation)
        {
            case SubmitOperation submit:
                for (var copy = 0; copy < submit.Copies; copy++)
                {
                    snapshot = ClusterTransitions.Submit(snapshot, new Job(new JobId(nextId++), Spec(submit), now));
                }

                return (snapshot, now);
            case AdvanceOperation advance:
                var later = now.AddMinutes(advance.Minutes);
                return (EndJobsDueBy(snapshot, later), later);
            case EndOperation end when snapshot.Running.Length > 0:
                return (ClusterTransitions.Release(snapshot, snapshot.Running[end.Pick % snapshot.Running.Length].Job.Id, now), now);
            case CancelOperation cancel when snapshot.Pending.Count > 0:
                var jobs = snapshot.Pending.AllJobs.ToList();
                return (ClusterTransitions.CancelPending(snapshot, jobs[cancel.Pick % jobs.Count].Id), now);
            case QuotaOperation quota:
                var old = snapshot.Quotas.Single(q => q.Team == Scenarios.TeamName(quota.Team));
                var changed = old with
                {
                    Nominal = old.Nominal with { Gpus = quota.NominalGpus, CpuMillicores = quota.NominalCpuCores * Units.MillicoresPerCore },
                    BorrowingLimit = old.BorrowingLimit with { Gpus = quota.BorrowGpus, CpuMillicores = quota.BorrowCpuCores * Units.MillicoresPerCore },
                };
                return (ClusterTransitions.SetQuota(snapshot, changed), now);
            case NodeStateOperation state:
                return (ClusterTransitions.SetNodeState(snapshot, snapshot.Nodes[state.Node % snapshot.Nodes.Length].Name, state.State), now);
            default:
                return (snapshot, now);
        }
    }
}
