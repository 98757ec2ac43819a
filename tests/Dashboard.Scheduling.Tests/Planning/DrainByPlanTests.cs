using Dashboard.Scheduling.Model;
using Dashboard.Scheduling.Planning;
using Dashboard.Scheduling.Tests.Builders;
using static Dashboard.Scheduling.Tests.Builders.ClusterBuilder;

namespace Dashboard.Scheduling.Tests.Planning;

/// <summary>
/// Issue 20, drain by plan (<see cref="Dashboard.Scheduling.Model.SchedulerSettings.DrainAfter"/>): a large job that would
/// borrow and has waited long enough reserves before the guaranteed jobs ranked after it, so they cannot pin its node.
/// </summary>
public sealed class DrainByPlanTests
{
    /// <summary>
    /// n1 frees 2 GPUs in an hour (2 free now), n2 is full for 10 hours. Team a's 4-GPU job (it would borrow) has waited
    /// 3 hours; team b's 1-GPU job is within b's nominal quota and runs 5 hours, ending past n1's free time.
    /// </summary>
    private static ClusterBuilder LargeBorrowerAndLongSmallJob(TimeSpan? drainAfter) => Cluster()
        .Node("n1", gpus: 4).Node("n2", gpus: 4)
        .Team("a", nominalGpus: 0, borrowGpus: 4).Team("b", nominalGpus: 4).Team("c", nominalGpus: 8)
        .Running(10, "c", "n1", [0, 1], startedAt: Time.Now.AddHours(-1), endsAt: Time.Now.AddHours(1))
        .Running(11, "c", "n2", [0, 1, 2, 3], startedAt: Time.Now.AddHours(-1), endsAt: Time.Now.AddHours(10))
        .Pending(1, "a", gpus: 4, walltime: TimeSpan.FromHours(1), submittedAt: Time.Now.AddHours(-3))
        .Pending(2, "b", gpus: 1, walltime: TimeSpan.FromHours(5), submittedAt: Time.Now)
        .Settings(drainAfter: drainAfter);

    [Fact]
    public void Without_drain_a_long_guaranteed_job_pins_the_node_that_frees_first_and_pushes_the_large_job_back()
    {
        var plan = LargeBorrowerAndLongSmallJob(drainAfter: null).Plan();

        plan.StartOf(2).Allocation.Node.Should().Be("n1");
        plan.ExplanationOf(1).Reservation!.Node.Should().Be("n1");
        plan.ExplanationOf(1).Reservation!.Start.Should().Be(Time.Now.AddHours(5));
    }

    [Fact]
    public void With_drain_the_large_job_reserves_the_node_that_frees_first_and_a_job_ending_after_it_waits()
    {
        var plan = LargeBorrowerAndLongSmallJob(drainAfter: TimeSpan.FromHours(1)).Plan();

        plan.StartedIds().Should().BeEmpty();
        plan.ExplanationOf(1).Reservation!.Node.Should().Be("n1");
        plan.ExplanationOf(1).Reservation!.Start.Should().Be(Time.Now.AddHours(1));
        plan.ExplanationOf(2).Reason.BlockingJob.Should().Be(new JobId(1));
    }

    [Fact]
    public void With_drain_a_short_job_that_ends_before_the_reservation_still_starts_on_the_draining_node()
    {
        var plan = LargeBorrowerAndLongSmallJob(drainAfter: TimeSpan.FromHours(1))
            .Pending(3, "b", gpus: 1, walltime: TimeSpan.FromMinutes(30), submittedAt: Time.Now)
            .Plan();

        plan.StartOf(3).Allocation.Node.Should().Be("n1");
        plan.ExplanationOf(1).Reservation!.Start.Should().Be(Time.Now.AddHours(1));
    }

    /// <summary>
    /// On seeded random streams (three 8-GPU nodes partly busy, a large job of a team with no nominal share waiting two
    /// hours, then 1-14 guaranteed arrivals of other teams): with drain by plan the large job's reservation is never
    /// pushed back by the arrivals; without it, some streams push it back (so the property is not vacuous).
    /// </summary>
    [Fact]
    public void With_drain_a_later_arrival_never_delays_the_draining_jobs_reservation()
    {
        var (checkedWithDrain, delayedWithDrain) = (0, 0);
        var delayedWithoutDrain = 0;
        for (var seed = 1; seed <= 300; seed++)
        {
            foreach (var drain in new TimeSpan?[] { TimeSpan.FromHours(1), null })
            {
                var random = new Random(seed);
                var now = Time.Now;
                var builder = Cluster()
                    .Node("n1", gpus: 8).Node("n2", gpus: 8).Node("n3", gpus: 8)
                    .Team("a", nominalGpus: 0, borrowGpus: 24).Team("b", nominalGpus: 12).Team("c", nominalGpus: 12)
                    .Settings(drainAfter: drain);
                long id = 100;
                foreach (var node in new[] { "n1", "n2", "n3" })
                {
                    var gpu = 0;
                    while (gpu < 8 && (gpu == 0 || random.Next(4) > 0))
                    {
                        var size = Math.Min(8 - gpu, random.Next(1, 4));
                        builder.Running(id++, random.Next(2) == 0 ? "b" : "c", node, [.. Enumerable.Range(gpu, size)],
                            startedAt: now.AddMinutes(-random.Next(1, 600)), endsAt: now.AddMinutes(random.Next(10, 1_200)));
                        gpu += size;
                    }
                }

                builder.Pending(1, "a", gpus: 8, walltime: TimeSpan.FromMinutes(random.Next(10, 600)), submittedAt: now.AddHours(-2));
                var before = builder.Build();
                var plan = Scheduler.Plan(before, now);
                if (plan.Starts.Any(s => s.Job.Id.Value == 1) || plan.ExplanationOf(1).Reservation is not { } reservation)
                {
                    continue;
                }

                var after = ClusterTransitions.ApplyPlan(before, plan);
                var arrivals = random.Next(1, 15);
                for (var i = 0; i < arrivals; i++)
                {
                    after = ClusterTransitions.Submit(after, Jobs.Job(id++, random.Next(2) == 0 ? "b" : "c", gpus: random.Next(1, 4),
                        walltime: TimeSpan.FromMinutes(random.Next(5, 2_000)), submittedAt: now));
                }

                var replan = Scheduler.Plan(after, now);
                var delayed = !replan.Starts.Any(s => s.Job.Id.Value == 1) && replan.ExplanationOf(1).Reservation?.Start > reservation.Start;
                if (drain is null)
                {
                    delayedWithoutDrain += delayed ? 1 : 0;
                }
                else
                {
                    checkedWithDrain++;
                    delayedWithDrain += delayed ? 1 : 0;
                }
            }
        }

        delayedWithDrain.Should().Be(0, "a draining job's reservation is never pushed back by a later arrival");
        checkedWithDrain.Should().BeGreaterThan(75, "many streams must reach a reservation to check");
        delayedWithoutDrain.Should().BePositive("without drain, guaranteed arrivals do push a waiting borrower's reservation back");
    }

    [Fact]
    public void A_large_job_that_has_not_waited_the_drain_time_does_not_drain()
    {
        var plan = LargeBorrowerAndLongSmallJob(drainAfter: TimeSpan.FromHours(4)).Plan();

        plan.StartOf(2).Allocation.Node.Should().Be("n1");
    }
}
