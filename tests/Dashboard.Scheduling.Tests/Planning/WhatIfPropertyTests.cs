using Dashboard.Scheduling.Model;
using Dashboard.Scheduling.Planning;
using Dashboard.Scheduling.Tests.Builders;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.FSharp.Core;

namespace Dashboard.Scheduling.Tests.Planning;

/// <summary>
/// The what-if agrees with what really happens: over random clusters played through random operations, at every
/// step a random job is asked about, then really submitted (with a later id, as the engine's store may hand out)
/// into the same state and planned with the cluster's own settings; the answer must be what the plan did (for a
/// waiting job: what the engine's periodic pass that explains every job says).
/// </summary>
public sealed class WhatIfPropertyTests
{
    [Fact]
    public void The_what_if_agrees_with_submitting_the_job_and_planning()
    {
        var config = Config.QuickThrowOnFailure
            .WithMaxTest(Scenarios.Cases)
            .WithReplay(FSharpOption<Replay>.Some(new Replay(new Rnd(11, 0x9E3779B97F4A7C15UL), FSharpOption<int>.None)));
        var cases = from scenario in Scenarios.Scenario(mixedNodes: true)
                    from asked in Gen.ArrayOf(HypotheticalSpec(scenario.Quotas.Length), 30)
                    select (Scenario: scenario, Asked: asked);
        var seen = new Dictionary<string, int>();
        FsCheck.Check.One(config, Prop.ForAll(Arb.From(cases), c => ScenarioPlayer.Play(c.Scenario, step =>
        {
            var outcome = Agrees(step, c.Asked[step.Step % c.Asked.Length]);
            seen[outcome.GetType().Name] = seen.GetValueOrDefault(outcome.GetType().Name) + 1;
        })));

        seen.Keys.Should().BeEquivalentTo(["StartsNow", "Queued", "NeverFits"], "the random cases reach every outcome");
    }

    private static WhatIfOutcome Agrees(PlanStep step, JobSpec spec)
    {
        // The engine publishes the state after applying its plan: that is what the form asks about.
        var current = step.Applied;
        var whatIf = WhatIf.Evaluate(current, spec, step.Now);

        var real = new Job(new JobId(WhatIf.NextId(current).Value + 7), spec, step.Now);
        var plan = Scheduler.Plan(ClusterTransitions.Submit(current, real), step.Now);
        var started = plan.Starts.SingleOrDefault(s => s.Job.Id == real.Id);
        var refused = plan.Refusals.SingleOrDefault(r => r.Job == real.Id);
        var explained = plan.Pending.SingleOrDefault(p => p.Job == real.Id);
        var context = $"step {step.Step}, asked {spec.Team} {spec.Request} walltime={spec.Walltime} priority={spec.Priority}: what-if said {whatIf.Describe()}\nReal plan:\n{PlanText.Of(plan)}";

        switch (whatIf)
        {
            case WhatIfOutcome.StartsNow starts:
                Require(started is not null, context);
                Require(starts.Node == started!.Allocation.Node && starts.GpuIndices.SequenceEqual(started.Allocation.GpuIndices) && starts.Borrowing == started.Borrowing, context);
                var node = current.Nodes.Single(n => n.Name == starts.Node);
                Require(node.IsSchedulable, context + "\n(the node takes no new jobs)");
                var held = current.Running.Where(r => r.Allocation.Node == node.Name).SelectMany(r => r.Allocation.GpuIndices).ToHashSet();
                Require(starts.GpuIndices.All(i => !held.Contains(i) && node.Gpus.Any(g => g.Index == i)), context + "\n(a GPU it names is held or missing)");
                break;
            case WhatIfOutcome.NeverFits never:
                Require(refused is not null && refused.Reason == never.Reason, context);
                Require(NeverFits.Check(current, spec) == never.Reason, context + "\n(the submit-time check says otherwise)");
                break;
            case WhatIfOutcome.Queued queued:
                Require(started is null && refused is null, context);

                // A pass that does not explain every job gives no estimates (and may stop early); the engine's
                // periodic full explanation does: compare with that.
                var explaining = current.Settings.ExplainAllPending
                    ? explained
                    : Scheduler.Plan(ClusterTransitions.Submit(current, real) with { Settings = current.Settings with { ExplainAllPending = true } }, step.Now)
                        .Pending.SingleOrDefault(p => p.Job == real.Id);
                Require(
                    explaining is not null && explaining.EstimatedStart == queued.EstimatedStart && explaining.Reason.JobsAhead == queued.JobsAhead && explaining.Reason.Describe() == queued.Reason,
                    context);
                break;
            default:
                throw new InvalidOperationException($"Unknown outcome {whatIf}");
        }

        return whatIf;
    }

    /// <summary>A valid job of one of the teams (or one past them: a team without quota), shaped like the scenarios' submits.</summary>
    private static Gen<JobSpec> HypotheticalSpec(int teamCount) =>
        from team in Gen.Frequency((20, Gen.Choose(0, teamCount - 1)), (1, Gen.Constant(teamCount)))
        from gpus in Gen.Frequency((2, Gen.Constant(0)), (10, Gen.Choose(1, 4)), (4, Gen.Choose(5, 8)), (1, Gen.Choose(9, 16)))
        from halfCores in Gen.Elements(1, 2, 8, 32, 200)
        from memoryGiB in Gen.Elements(1, 16, 64, 300)
        from walltime in Gen.Frequency((1, Gen.Constant<int?>(null)), (4, Gen.Choose(10, 240).Select(m => (int?)m)))
        from priority in Gen.Frequency((10, Gen.Choose(0, 3)), (1, Gen.Constant(10)))
        from model in Gen.Frequency((6, Gen.Constant<string?>(null)), (2, Gen.Elements<string?>("A100", "h100")), (1, Gen.Constant<string?>("B200")))
        select new JobSpec(
            "what-if",
            "carol",
            Scenarios.TeamName(team),
            "train",
            new ResourceRequest(gpus, halfCores * 500L, memoryGiB * Units.MiBPerGiB, gpus == 0 ? null : model),
            Walltime: walltime is { } minutes ? TimeSpan.FromMinutes(minutes) : null,
            Priority: priority);

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new InvalidOperationException(message);
        }
    }
}
