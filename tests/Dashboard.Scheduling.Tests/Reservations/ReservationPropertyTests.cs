using Dashboard.Scheduling.Model;
using Dashboard.Scheduling.Planning;
using Dashboard.Scheduling.Reservations;
using Dashboard.Scheduling.Tests.Builders;
using static Dashboard.Scheduling.Tests.Builders.ClusterBuilder;
using static Dashboard.Scheduling.Tests.Reservations.Bookings;

namespace Dashboard.Scheduling.Tests.Reservations;

/// <summary>
/// Issue 23's guarantees on seeded random streams of submissions, starts and ends, planned every 10 minutes: a
/// reservation's GPUs are never held by a job outside it during its window when every job keeps its walltime (and
/// nothing is preempted for it); when jobs overrun their walltimes, the plan preempts them so the guarantee holds
/// again once its preemptions are carried out.
/// </summary>
public sealed class ReservationPropertyTests
{
    private const int Streams = 120;
    private static readonly TimeSpan Step = TimeSpan.FromMinutes(10);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_reservations_gpus_are_never_held_by_an_outside_job_during_its_window(bool walltimesKept)
    {
        var checkedSteps = 0;
        var preempted = 0;
        for (var seed = 1; seed <= Streams; seed++)
        {
            var random = new Random(seed);
            var start = Math.Round(random.NextDouble() * 3 + 0.5, 1);
            var reservation = Reservation(5, gpus: random.Next(4, 17), fromHours: start, toHours: start + random.Next(1, 4));
            var snapshot = Cluster().Node("n1", gpus: 8).Node("n2", gpus: 8).Node("n3", gpus: 8)
                .Team("a", nominalGpus: 24).Team("b", nominalGpus: 24).Team("c", nominalGpus: 24)
                .Build().With(reservation);
            var ends = new Dictionary<JobId, DateTimeOffset>();
            long id = 1;
            for (var now = Time.Now; now < reservation.End + TimeSpan.FromHours(1); now += Step)
            {
                foreach (var (job, end) in ends.Where(e => e.Value <= now).ToList())
                {
                    snapshot = ClusterTransitions.Release(snapshot, job, end);
                    ends.Remove(job);
                }

                for (var i = random.Next(0, 4); i > 0; i--)
                {
                    var walltime = TimeSpan.FromMinutes(random.Next(10, 400));
                    var job = random.Next(4) == 0
                        ? Member(id++, reservation: 5, gpus: random.Next(1, 5), walltime: walltime, submittedAt: now)
                        : Jobs.Job(id++, random.Next(2) == 0 ? "b" : "c", gpus: random.Next(1, 9), walltime: random.Next(6) == 0 ? null : walltime, submittedAt: now);
                    snapshot = ClusterTransitions.Submit(snapshot, job);
                }

                var plan = Scheduler.Plan(snapshot, now);
                snapshot = ClusterTransitions.ApplyPlan(snapshot, plan);
                foreach (var started in plan.Starts)
                {
                    var walltime = started.Job.Spec.Walltime ?? TimeSpan.FromHours(10);
                    var overrun = !walltimesKept && random.Next(3) == 0;
                    ends[started.Job.Id] = now + walltime * (overrun ? 1.5 : random.NextDouble() * 0.8 + 0.2);
                }

                if (walltimesKept)
                {
                    plan.Preemptions.Should().BeEmpty($"seed {seed} at {now}: nothing overran its walltime");
                }

                foreach (var preemption in plan.Preemptions)
                {
                    snapshot = ClusterTransitions.Requeue(snapshot, preemption.Victim, now);
                    ends.Remove(preemption.Victim);
                    preempted++;
                }

                if (reservation.WindowAt(now) is { } window && window.Contains(now))
                {
                    OutsideJobsLeaveTheReservedGpus(snapshot, now, $"seed {seed} at {now}");
                    checkedSteps++;
                }
            }
        }

        checkedSteps.Should().BeGreaterThan(Streams * 6);
        if (!walltimesKept)
        {
            preempted.Should().BeGreaterThan(0, "some jobs overran into a window");
        }
    }

    private static void OutsideJobsLeaveTheReservedGpus(ClusterSnapshot snapshot, DateTimeOffset now, string where)
    {
        var layout = ReservationPins.Lay(snapshot.Nodes, snapshot.Reservations, now);
        foreach (var pin in layout.Pins)
        {
            var node = snapshot.Nodes.Single(n => n.Name == pin.Node);
            var outsideHeld = snapshot.Running
                .Where(r => r.Allocation.Node == pin.Node && r.Job.Spec.Reservation != pin.Reservation)
                .Sum(r => r.Allocation.GpuIndices.Length);
            outsideHeld.Should().BeLessThanOrEqualTo(node.Gpus.Length - pin.Gpus, $"{where}: jobs outside reservation {pin.Reservation} hold GPUs it keeps on {pin.Node}");
        }
    }
}
