using Dashboard.Scheduling.Control;
using Dashboard.Scheduling.Model;
using Dashboard.Scheduling.Planning;
using Dashboard.Scheduling.Reservations;
using Dashboard.Scheduling.Tests.Builders;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.FSharp.Core;

namespace Dashboard.Scheduling.Tests.Planning;

/// <summary>
/// The what-if's one-job pass (<see cref="WhatIf.Evaluate"/>: every job decided, only the asked one explained, its start
/// simulated only until known) gives exactly the answer read from a full plan that explains every job
/// (<see cref="WhatIf.EvaluateByFullPlan"/>): the same node, GPUs and borrowing, the same refusal, the same estimated
/// start, jobs ahead and reason. Random clusters are played through random operations (quota waits, borrowing,
/// reclaim with and without limits, backfill depths, draining and down nodes, settings that explain every job or
/// not); at each step the state is dressed with random advance reservations (approved or not, open now or later,
/// the asked job sometimes a member), run-time histories (predictions for the running jobs and the asked one), and
/// holds and dependencies (planned on as they are, or on what eligibility leaves), and a random job is asked about.
/// </summary>
public sealed class WhatIfOneJobPassPropertyTests
{
    [Fact]
    public void The_one_job_pass_answers_exactly_as_the_full_plan()
    {
        var config = Config.QuickThrowOnFailure
            .WithMaxTest(Scenarios.Cases)
            .WithReplay(FSharpOption<Replay>.Some(new Replay(new Rnd(19, 0x9E3779B97F4A7C15UL), FSharpOption<int>.None)));
        var cases = from scenario in Scenarios.Scenario(mixedNodes: true)
                    from asked in Gen.ArrayOf(AskedSpec(scenario.Quotas.Length), 30)
                    from dressings in Gen.ArrayOf(Dressing(), 30)
                    select (Scenario: scenario, Asked: asked, Dressings: dressings);
        var seen = new Dictionary<string, int>();
        FsCheck.Check.One(config, Prop.ForAll(Arb.From(cases), c => ScenarioPlayer.Play(c.Scenario, step =>
        {
            var dressing = c.Dressings[step.Step % c.Dressings.Length];
            var snapshot = dressing.Apply(step.Applied, step.Now);
            var spec = c.Asked[step.Step % c.Asked.Length];
            if (spec.Reservation is not null && !dressing.Bookings)
            {
                spec = spec with { Reservation = null };
            }

            var fast = WhatIf.Evaluate(snapshot, spec, step.Now);
            var full = WhatIf.EvaluateByFullPlan(snapshot, spec, step.Now);
            if (!fast.Equals(full) || fast.Describe() != full.Describe())
            {
                throw new InvalidOperationException($"step {step.Step}, {dressing}, asked {spec}:\n one-job pass: {fast.Describe()}\n full plan:    {full.Describe()}");
            }

            Count(seen, fast.GetType().Name);
            Count(seen, fast is WhatIfOutcome.Queued { EstimatedStart: not null } ? "Queued with an estimate" : "other");
            Count(seen, !snapshot.Reservations.IsEmpty ? "with reservations" : "without");
            Count(seen, !snapshot.RunTimes.IsEmpty && fast is WhatIfOutcome.Queued ? "queued with predictions" : "other");
            Count(seen, fast is WhatIfOutcome.Queued { Reason: var reason } && reason.Contains("team", StringComparison.Ordinal) ? "queued naming its team's quota" : "other");
        })));

        seen.Keys.Should().Contain(["StartsNow", "Queued", "NeverFits", "Queued with an estimate", "with reservations", "queued with predictions", "queued naming its team's quota"], "the random cases reach every outcome and every dressing");
    }

    private static void Count(Dictionary<string, int> seen, string key) => seen[key] = seen.GetValueOrDefault(key) + 1;

    /// <summary>A valid job of one of the teams (or a team without quota), sometimes a member of booking 1 or 2.</summary>
    private static Gen<JobSpec> AskedSpec(int teamCount) =>
        from team in Gen.Frequency((20, Gen.Choose(0, teamCount - 1)), (1, Gen.Constant(teamCount)))
        from gpus in Gen.Frequency((2, Gen.Constant(0)), (10, Gen.Choose(1, 4)), (4, Gen.Choose(5, 8)), (1, Gen.Choose(9, 16)))
        from halfCores in Gen.Elements(1, 2, 8, 32, 200)
        from memoryGiB in Gen.Elements(1, 16, 64, 300)
        from walltime in Gen.Frequency((1, Gen.Constant<int?>(null)), (4, Gen.Choose(10, 240).Select(m => (int?)m)))
        from priority in Gen.Frequency((10, Gen.Choose(0, 3)), (1, Gen.Constant(10)))
        from model in Gen.Frequency((6, Gen.Constant<string?>(null)), (2, Gen.Elements<string?>("A100", "H100")), (1, Gen.Constant<string?>("B200")))
        from booking in Gen.Frequency((4, Gen.Constant<long?>(null)), (1, Gen.Elements<long?>(1, 2)))
        select new JobSpec(
            "what-if",
            "carol",
            Scenarios.TeamName(team),
            "train",
            new ResourceRequest(gpus, halfCores * 500L, memoryGiB * Units.MiBPerGiB, gpus == 0 ? null : model),
            Walltime: walltime is { } minutes ? TimeSpan.FromMinutes(minutes) : null,
            Priority: priority,
            Reservation: booking);

    private static Gen<StepDressing> Dressing() =>
        from bookings in Gen.Frequency((2, Gen.Constant(false)), (1, Gen.Constant(true)))
        from booked in Gen.ArrayOf(Booking(), 2)
        from predictions in Gen.Elements(false, true)
        from ranMinutes in Gen.ArrayOf(Gen.Choose(1, 300), 3)
        from controls in Gen.Frequency((2, Gen.Constant(false)), (1, Gen.Constant(true)))
        from controlled in Gen.ArrayOf(Gen.Choose(0, 40), 3)
        from eligibleOnly in Gen.Elements(false, true)
        select new StepDressing(bookings, booked, predictions, ranMinutes, controls, controlled, eligibleOnly);

    private static Gen<BookingShape> Booking() =>
        from team in Gen.Choose(0, 2)
        from gpus in Gen.Choose(1, 8)
        from fromMinutes in Gen.Choose(-120, 480)
        from lengthMinutes in Gen.Choose(30, 360)
        from model in Gen.Elements(Scenarios.Models)
        from state in Gen.Frequency((4, Gen.Constant(ReservationState.Approved)), (1, Gen.Constant(ReservationState.Pending)))
        select new BookingShape(team, gpus, fromMinutes, lengthMinutes, model, state);

    private sealed record BookingShape(int Team, int Gpus, int FromMinutes, int LengthMinutes, string Model, ReservationState State);

    /// <summary>What a step's state is dressed with before the question: bookings, run-time histories, holds and dependencies.</summary>
    private sealed record StepDressing(bool Bookings, BookingShape[] Booked, bool Predictions, int[] RanMinutes, bool Controls, int[] Controlled, bool EligibleOnly)
    {
        public ClusterSnapshot Apply(ClusterSnapshot snapshot, DateTimeOffset now)
        {
            if (Bookings)
            {
                snapshot = snapshot with
                {
                    Reservations = [.. Booked.Select((b, i) => new AdvanceReservation(
                        i + 1, $"booking {i + 1}", "a deadline", Scenarios.TeamName(b.Team), b.Model, b.Gpus, b.Gpus * 2_000L, b.Gpus * 8L * Units.MiBPerGiB,
                        now.AddMinutes(b.FromMinutes), now.AddMinutes(b.FromMinutes + b.LengthMinutes), State: b.State, BookedBy: "lead"))],
                };
            }

            if (Predictions)
            {
                var history = RunTimePredictions.Empty;
                foreach (var (owner, minutes) in new[] { ("owner", RanMinutes[0]), ("owner", RanMinutes[1]), ("carol", RanMinutes[2]) })
                {
                    history = RunTimePredictions.Record(history, owner, TimeSpan.FromMinutes(minutes));
                }

                snapshot = snapshot with { RunTimes = history };
            }

            if (Controls && snapshot.Pending.Count > 0)
            {
                var pending = snapshot.Pending.AllJobs.OrderBy(j => j.Id).ToArray();
                var held = pending[Controlled[0] % pending.Length];
                var waiter = pending[Controlled[1] % pending.Length];
                var awaited = pending[Controlled[2] % pending.Length];
                var controls = snapshot.Controls.Hold(held.Id, new JobHold("root", HoldAuthority.Admin));
                if (waiter.Id != awaited.Id)
                {
                    controls = controls.Depend(waiter.Id, [new DependencyTerm(awaited.Id, DependencyRule.AfterOk)]);
                }

                snapshot = snapshot with { Controls = controls };
                if (EligibleOnly)
                {
                    snapshot = Eligibility.Split(snapshot).Eligible;
                }
            }

            return snapshot;
        }
    }
}
