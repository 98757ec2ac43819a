using System.Collections.Immutable;
using Dashboard.Scheduling.Model;
using Dashboard.Scheduling.Planning;
using Dashboard.Scheduling.Tests.Builders;

namespace Dashboard.Scheduling.Tests.Planning;

/// <summary>
/// Properties over 1,000 random clusters each, every one played through a random sequence of submits, ends,
/// cancels, quota changes and drains; every pass of every sequence is checked. Seeds are fixed, so a failure
/// reproduces; FsCheck prints the scenario.
/// </summary>
public sealed class SchedulerPropertyTests
{
    [Fact]
    public void No_GPU_is_ever_held_twice_and_no_node_is_over_committed() =>
        Scenarios.Check(scenario => ScenarioPlayer.Play(scenario, step =>
        {
            Require(step, SnapshotInvariants.Violations(step.Applied).Count == 0, string.Join("; ", SnapshotInvariants.Violations(step.Applied)));
            foreach (var start in step.Plan.Starts)
            {
                var node = step.Before.Nodes.Single(n => n.Name == start.Allocation.Node);
                var request = start.Job.Request;
                Require(step, node.IsSchedulable, $"job {start.Job.Id} started on {node.Name}, which is {node.State}");
                Require(step, start.Allocation.GpuIndices.Length == request.Gpus, $"job {start.Job.Id} got {start.Allocation.GpuIndices.Length} GPUs for {request.Gpus}");
                Require(
                    step,
                    start.Allocation.GpuIndices.All(i => node.Gpus.Single(g => g.Index == i) is var gpu && (request.GpuModel is null || GpuModels.Match(gpu.Model, request.GpuModel))),
                    $"job {start.Job.Id} got GPUs of the wrong model");
                Require(step, start.Allocation.CpuMillicores == request.CpuMillicores && start.Allocation.MemoryMiB == request.MemoryMiB, $"job {start.Job.Id} got other CPU or memory than it asked for");
                Require(step, start.Allocation.Start == step.Now && start.Allocation.ExpectedEnd == step.Now + start.Job.Spec.Walltime, $"job {start.Job.Id} has the wrong start or end");
            }
        }), seed: 1);

    [Fact]
    public void Quota_is_never_exceeded_except_by_borrowing_jobs() =>
        Scenarios.Check(scenario => ScenarioPlayer.Play(scenario, step =>
        {
            foreach (var quota in step.Applied.Quotas)
            {
                var teamJobs = step.Applied.Running.Where(r => r.Job.Team == quota.Team).ToList();
                var guaranteed = Sum(teamJobs.Where(r => !r.Borrowing));
                Require(step, guaranteed.FitsWithin(quota.Nominal), $"team {quota.Team} holds {guaranteed} without borrowing, nominal {quota.Nominal}");
                if (step.Plan.Starts.Any(s => s.Job.Team == quota.Team))
                {
                    var total = Sum(teamJobs);
                    Require(step, total.FitsWithin(quota.Ceiling), $"the plan took team {quota.Team} to {total}, above its ceiling {quota.Ceiling}");
                }
            }

            Require(step, step.Plan.Starts.All(s => step.Applied.Quotas.Any(q => q.Team == s.Job.Team)), "a job of a team without quota started");
        }), seed: 2);

    [Fact]
    public void The_plan_is_the_same_for_the_same_snapshot() =>
        Scenarios.Check(scenario => ScenarioPlayer.Play(scenario, step =>
        {
            var expected = PlanText.Lines(step.Plan);
            Require(step, PlanText.Lines(Scheduler.Plan(step.Before, step.Now)).SequenceEqual(expected), "planning the same snapshot again gave another plan");
            var rebuilt = Rebuild(step.Before, reorder: false);
            Require(step, PlanText.Lines(Scheduler.Plan(rebuilt, step.Now)).SequenceEqual(expected), "a snapshot rebuilt from the same inputs gave another plan");
        }), seed: 3);

    [Fact]
    public void The_plan_does_not_depend_on_the_order_of_the_snapshot_lists() =>
        Scenarios.Check(scenario => ScenarioPlayer.Play(scenario, step =>
        {
            var expected = PlanText.Lines(step.Plan);
            var actual = PlanText.Lines(Scheduler.Plan(Rebuild(step.Before, reorder: true), step.Now));
            Require(step, actual.SequenceEqual(expected), "reversing the running jobs, quotas and usage gave another plan:\n" + Diff(expected, actual));
        }), seed: 4);

    [Fact]
    public void Backfill_never_takes_the_node_capacity_a_reservation_holds() =>
        Scenarios.Check(
            scenario => ScenarioPlayer.Play(scenario, step =>
            {
                var reservations = step.Plan.Pending.Select(p => p.Reservation).OfType<BackfillReservation>().ToList();
                foreach (var reservation in reservations)
                {
                    // Let time run to the reserved start, every job ending exactly at its expected end.
                    var then = ScenarioPlayer.EndJobsDueBy(step.Applied, reservation.Start);
                    var node = then.Nodes.Single(n => n.Name == reservation.Node);
                    var held = Sum(then.Running.Where(r => r.Allocation.Node == node.Name));
                    var reservedByThen = reservations.Where(r => r.Node == node.Name && r.Start <= reservation.Start).Aggregate(ResourceAmount.Zero, (sum, r) => sum + r.Amount);
                    if (reservedByThen.FitsWithin(node.Capacity - held))
                    {
                        continue;
                    }

                    var planThen = Scheduler.Plan(then, reservation.Start);
                    Require(
                        step,
                        planThen.Starts.Any(s => s.Job.Id == reservation.Job),
                        $"job {reservation.Job} reserved {reservation.Amount} on {node.Name} at {reservation.Start:O}, but then {node.Name} holds {held} of {node.Capacity} and reservations need {reservedByThen}");
                }
            }),
            seed: 5,
            mixedNodes: false);

    [Fact]
    public void Backfill_never_takes_the_quota_a_reserved_job_needs() =>
        Scenarios.Check(
            scenario => ScenarioPlayer.Play(scenario, step =>
            {
                // The reserved job was admitted against its team's quota now, counting every job started ahead of it;
                // jobs only end between now and its start, so only jobs started behind it can leave it short then.
                foreach (var reservation in step.Plan.Pending.Select(p => p.Reservation).OfType<BackfillReservation>())
                {
                    var then = ScenarioPlayer.EndJobsDueBy(step.Applied, reservation.Start);
                    var job = step.Before.Pending.Find(reservation.Job)!;
                    var quota = then.Quotas.Single(q => q.Team == job.Team);
                    var teamThen = Sum(then.Running.Where(r => r.Job.Team == job.Team));
                    Require(
                        step,
                        (teamThen + reservation.Amount).FitsWithin(quota.Ceiling),
                        $"job {reservation.Job} reserved {reservation.Amount} at {reservation.Start:O}, but then team {job.Team} holds {teamThen} of its ceiling {quota.Ceiling}");
                }
            }),
            seed: 9,
            mixedNodes: false);

    [Fact]
    public void Every_pending_job_is_started_refused_or_explained_exactly_once() =>
        Scenarios.Check(scenario => ScenarioPlayer.Play(scenario, step =>
        {
            var plan = step.Plan;
            var pending = step.Before.Pending.AllJobs.ToDictionary(j => j.Id);
            var decided = plan.Starts.Select(s => s.Job.Id).Concat(plan.Refusals.Select(r => r.Job)).Concat(plan.Pending.Select(p => p.Job)).ToList();
            Require(step, decided.Count == decided.Distinct().Count(), "a job was decided twice");
            Require(step, decided.All(pending.ContainsKey), "a decision names a job that is not pending");
            if (step.Before.Settings.ExplainAllPending)
            {
                Require(step, decided.Count == pending.Count, "a pending job was neither started, refused nor explained");
            }

            foreach (var start in plan.Starts)
            {
                Require(step, NeverFits.Check(step.Before, start.Job.Spec) is null, $"job {start.Job.Id} started though it can never fit");
            }

            foreach (var refusal in plan.Refusals)
            {
                Require(step, refusal.Reason == NeverFits.Check(step.Before, pending[refusal.Job].Spec), $"job {refusal.Job} was refused with another reason than the never-fits check");
            }

            var reservations = 0;
            for (var i = 0; i < plan.Pending.Length; i++)
            {
                var explanation = plan.Pending[i];
                var job = pending[explanation.Job];
                Require(step, NeverFits.Check(step.Before, job.Spec) is null, $"job {job.Id} waits though it can never fit");
                Require(step, explanation.EstimatedStart is null || explanation.EstimatedStart >= step.Now, $"job {job.Id} is estimated to start in the past");
                if (step.Before.Settings.ExplainAllPending)
                {
                    Require(step, explanation.Reason.JobsAhead == i, $"job {job.Id} has {explanation.Reason.JobsAhead} jobs ahead but is explained {i}th");
                }

                if (explanation.Reservation is { } reservation)
                {
                    reservations++;
                    Require(step, reservation.Job == job.Id && reservation.Amount == job.Request.Amount && reservation.Start >= step.Now, $"job {job.Id} has a malformed reservation");
                    // The reservation is the latest start; run-time predictions (owners' histories) may estimate an earlier one.
                    Require(step, step.Before.RunTimes.IsEmpty ? explanation.EstimatedStart == reservation.Start : explanation.EstimatedStart <= reservation.Start, $"job {job.Id} is reserved at {reservation.Start:O} but estimated at {explanation.EstimatedStart:O}");
                    Require(step, step.Before.Nodes.Single(n => n.Name == reservation.Node).IsSchedulable, $"job {job.Id} is reserved on a node that is not Ready");
                }

                if (explanation.Reason.Cause == PendingCause.HeldForReservation)
                {
                    Require(step, plan.Pending.Any(p => p.Reservation?.Job == explanation.Reason.BlockingJob), $"job {job.Id} is held for job {explanation.Reason.BlockingJob}, which has no reservation");
                }
            }

            Require(step, reservations <= step.Before.Settings.BackfillDepth, "more reservations than the backfill depth");
        }), seed: 6);

    [Fact]
    public void Preemption_names_only_other_teams_borrowing_jobs_once_each() =>
        Scenarios.Check(scenario => ScenarioPlayer.Play(scenario, step =>
        {
            var plan = step.Plan;
            Require(step, plan.Preemptions.Select(p => p.Victim).Distinct().Count() == plan.Preemptions.Length, "a victim was named twice");
            foreach (var preemption in plan.Preemptions)
            {
                var victim = step.Before.Running.SingleOrDefault(r => r.Job.Id == preemption.Victim);
                var beneficiary = step.Before.Pending.Find(preemption.Beneficiary);
                Require(step, victim is { Borrowing: true }, $"job {preemption.Victim} is not a running borrowing job");
                Require(step, beneficiary is not null && beneficiary.Team != victim!.Job.Team, $"job {preemption.Victim} was preempted for its own team or for a job that is not pending");
                Require(step, step.Before.Nodes.Single(n => n.Name == victim!.Allocation.Node).IsSchedulable, $"job {preemption.Victim} was preempted on a node that is not Ready");
                Require(step, plan.Starts.All(s => s.Job.Id != preemption.Beneficiary), $"job {preemption.Beneficiary} started in the plan that preempts for it");
                Require(
                    step,
                    !step.Before.Settings.ExplainAllPending || plan.Pending.Single(p => p.Job == preemption.Beneficiary).Reason.Cause == PendingCause.WaitingForReclaim,
                    $"job {preemption.Beneficiary} is not explained as waiting for reclaim");
            }
        }), seed: 7);

    [Fact]
    public void Explaining_fewer_jobs_never_changes_what_starts_or_is_preempted() =>
        Scenarios.Check(scenario => ScenarioPlayer.Play(scenario, step =>
        {
            var other = step.Before with { Settings = step.Before.Settings with { ExplainAllPending = !step.Before.Settings.ExplainAllPending } };
            var otherPlan = Scheduler.Plan(other, step.Now);
            var decisions = PlanText.Lines(step.Plan with { Refusals = [], Pending = [] });
            var otherDecisions = PlanText.Lines(otherPlan with { Refusals = [], Pending = [] });
            Require(step, decisions.SequenceEqual(otherDecisions), "explaining all or only examined jobs changed the decisions:\n" + Diff(decisions, otherDecisions));
        }), seed: 8);

    [Fact]
    public void The_random_scenarios_reach_every_step_of_the_recipe()
    {
        var seen = new Dictionary<string, int>();
        void Count(string what, int how) => seen[what] = seen.GetValueOrDefault(what) + how;
        Scenarios.Check(
            scenario => ScenarioPlayer.Play(scenario, step =>
            {
                Count("refusals", step.Plan.Refusals.Length);
                Count("starts", step.Plan.Starts.Length);
                Count("borrowing starts", step.Plan.Starts.Count(s => s.Borrowing));
                Count("quota waits", step.Plan.Pending.Count(p => p.Reason.Cause == PendingCause.TeamQuotaFull));
                Count("reservations", step.Plan.Pending.Count(p => p.Reservation is not null));
                Count("held for reservation", step.Plan.Pending.Count(p => p.Reason.Cause == PendingCause.HeldForReservation));
                Count("preemptions", step.Plan.Preemptions.Length);
                var reserved = step.Plan.Pending.Select(p => p.Reservation).OfType<BackfillReservation>().ToList();
                Count("backfills", step.Plan.Starts.Count(s => reserved.Any(r => r.Node == s.Allocation.Node && r.Start > step.Now)));
            }),
            seed: 5,
            mixedNodes: false);

        seen.Should().ContainKeys("refusals", "starts", "borrowing starts", "quota waits", "reservations", "held for reservation", "preemptions", "backfills");
        seen.Values.Should().OnlyContain(n => n >= 50, $"each step should be exercised often: {string.Join(", ", seen.Select(p => $"{p.Key} {p.Value}"))}");
    }

    private static ResourceAmount Sum(IEnumerable<RunningJob> jobs) => jobs.Aggregate(ResourceAmount.Zero, (sum, r) => sum + r.Allocation.Amount);

    /// <summary>The same snapshot made of fresh objects; with <paramref name="reorder"/>, every list reversed.</summary>
    private static ClusterSnapshot Rebuild(ClusterSnapshot snapshot, bool reorder)
    {
        ImmutableArray<T> Order<T>(IEnumerable<T> items) => reorder ? [.. items.Reverse()] : [.. items];
        return new ClusterSnapshot(
            Order(snapshot.Nodes.Select(n => n with { Gpus = [.. n.Gpus.Select(g => g with { })] })),
            Order(snapshot.Quotas.Select(q => q with { })),
            PendingQueue.From(Order(snapshot.Pending.AllJobs.Select(j => j with { Spec = j.Spec with { Request = j.Spec.Request with { } } }))),
            Order(snapshot.Running.Select(r => r with { Job = r.Job with { }, Allocation = r.Allocation with { GpuIndices = [.. r.Allocation.GpuIndices] } })),
            Order(snapshot.Usage.Select(u => u with { })),
            snapshot.Settings with { })
        {
            RunTimes = RunTimePredictions.Empty.AddRange(Order(snapshot.RunTimes)),
        };
    }

    private static string Diff(IReadOnlyList<string> expected, IReadOnlyList<string> actual) =>
        "expected:\n  " + string.Join("\n  ", expected) + "\nactual:\n  " + string.Join("\n  ", actual);

    private static void Require(PlanStep step, bool condition, string message)
    {
        if (!condition)
        {
            throw new InvalidOperationException(
                $"After operation {step.Step} at {step.Now:O}: {message}\nPlan:\n{PlanText.Of(step.Plan)}\nRunning:\n{string.Join('\n', step.Before.Running.Select(r => $"  {r.Job.Id} {r.Job.Team} {r.Allocation.Describe()} {r.Allocation.Amount} {r.Allocation.Start:O}-{r.Allocation.ExpectedEnd:O} borrowing={r.Borrowing}"))}\nPending:\n{string.Join('\n', step.Before.Pending.AllJobs.Select(j => $"  {j.Id} {j.Team} {j.Request} walltime={j.Spec.Walltime} priority={j.Priority} submitted={j.SubmittedAt:O}"))}");
        }
    }
}
