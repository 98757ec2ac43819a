using Dashboard.Scheduling.Model;
using Dashboard.Scheduling.Planning;
using Dashboard.Scheduling.Replays;
using Dashboard.Scheduling.Tests.Builders;
using static Dashboard.Scheduling.Tests.Builders.ClusterBuilder;

namespace Dashboard.Scheduling.Tests.Planning;

/// <summary>
/// Issue 20's guarantees on seeded random streams: a starving job's reservation is never pushed back by a later
/// arrival (EASY backfill's guarantee to the queue head), and no job waits longer than the starvation bound allows.
/// </summary>
public sealed class StarvationBoundPropertyTests
{
    private const int Streams = 300;

    [Fact]
    public void A_starving_jobs_reservation_is_never_delayed_by_later_arrivals()
    {
        var checkedReservations = 0;
        for (var seed = 1; seed <= Streams; seed++)
        {
            var random = new Random(seed);
            var now = Time.Now;
            var builder = Cluster()
                .Node("n1", gpus: 8).Node("n2", gpus: 8).Node("n3", gpus: 8)
                .Team("a", nominalGpus: 8, borrowGpus: 16).Team("b", nominalGpus: 8, borrowGpus: 16).Team("c", nominalGpus: 8, borrowGpus: 16)
                .Usage("a", gpuSeconds: 5_000_000);
            long id = 100;
            foreach (var node in new[] { "n1", "n2", "n3" })
            {
                var gpu = 0;
                while (gpu < 8 && random.Next(5) > 0)
                {
                    var size = Math.Min(8 - gpu, random.Next(1, 5));
                    builder.Running(id++, random.Next(2) == 0 ? "b" : "c", node, [.. Enumerable.Range(gpu, size)],
                        startedAt: now.AddMinutes(-random.Next(1, 600)), endsAt: now.AddMinutes(random.Next(10, 1_200)));
                    gpu += size;
                }
            }

            builder.Pending(1, "a", gpus: random.Next(4, 9), walltime: TimeSpan.FromMinutes(random.Next(10, 600)), submittedAt: now.AddHours(-5));
            var before = builder.Build();
            var plan = Scheduler.Plan(before, now);
            if (plan.Starts.Any(s => s.Job.Id.Value == 1))
            {
                continue;
            }

            var reserved = plan.ExplanationOf(1).Reservation?.Start
                ?? throw new InvalidOperationException($"seed {seed}: the starving job has no reservation.");
            var after = ClusterTransitions.ApplyPlan(before, plan);
            var arrivals = random.Next(1, 15);
            for (var i = 0; i < arrivals; i++)
            {
                after = ClusterTransitions.Submit(after, Jobs.Job(id++, random.Next(2) == 0 ? "b" : "c", gpus: random.Next(1, 9),
                    walltime: TimeSpan.FromMinutes(random.Next(5, 2_000)), submittedAt: now));
            }

            var replan = Scheduler.Plan(after, now);
            if (replan.Starts.Any(s => s.Job.Id.Value == 1))
            {
                continue;
            }

            replan.ExplanationOf(1).Reservation!.Start.Should().BeOnOrBefore(reserved, $"seed {seed}: later arrivals must not push the reservation back");
            checkedReservations++;
        }

        checkedReservations.Should().BeGreaterThan(Streams / 4, "many streams must reach a reservation to check");
    }

    [Fact]
    public void No_job_waits_longer_than_the_starvation_bound_allows()
    {
        var maxWalltime = TimeSpan.FromHours(3);
        var waitedPastTheBound = 0;
        for (var seed = 1; seed <= Streams / 3; seed++)
        {
            var random = new Random(seed);
            var cluster = Cluster().Node("n1", gpus: 8).Node("n2", gpus: 8).Team("a", nominalGpus: 16).Build();
            var starvation = cluster.Settings.StarvationAfter;
            var jobs = new List<ReplayJob>();
            var submitted = Time.Epoch;
            for (var i = 1; i <= 150; i++)
            {
                submitted = submitted.AddMinutes(random.Next(0, 25));
                var walltime = TimeSpan.FromMinutes(random.Next(10, (int)maxWalltime.TotalMinutes + 1));
                var gpus = new[] { 1, 1, 1, 2, 4, 8 }[random.Next(6)];
                jobs.Add(new ReplayJob(Jobs.Job(i, "a", gpus, walltime: walltime, submittedAt: submitted), walltime * random.NextDouble()));
            }

            var result = TraceReplayer.Run(cluster, jobs);

            foreach (var job in result.Jobs)
            {
                var submit = job.Recorded.Job.SubmittedAt;
                var starving = submit + starvation;
                // Every job ahead of it once it starves: older jobs still waiting then.
                var ahead = result.Jobs.Count(o => (o.Recorded.Job.SubmittedAt, o.Recorded.Job.Id) .CompareTo((submit, job.Recorded.Job.Id)) < 0 && o.FirstStart > starving);
                var bound = starvation + ((ahead + 1) * maxWalltime);
                job.Wait.Should().NotBeNull();
                job.Wait!.Value.Should().BeLessThanOrEqualTo(bound, $"seed {seed}, job {job.Recorded.Job.Id} with {ahead} older jobs waiting when it starved");
                waitedPastTheBound += job.Wait > starvation ? 1 : 0;
            }
        }

        waitedPastTheBound.Should().BeGreaterThan(0, "the streams must be busy enough for jobs to starve");
    }
}
