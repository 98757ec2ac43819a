using System.Collections.Immutable;
using Dashboard.Scheduling.Control;
using Dashboard.Scheduling.Model;
using Dashboard.Scheduling.Tests.Builders;
using static Dashboard.Scheduling.Tests.Builders.ClusterBuilder;

namespace Dashboard.Scheduling.Tests.Control;

/// <summary>
/// Issue 22's guarantees on seeded random streams of jobs, holds, dependencies and sweeps, each run to the end: a held
/// job never starts; a job never starts before its dependencies ended as its rules require; a sweep's running count
/// never exceeds its limit, also while its jobs are requeued (running or ended) back into it; and every job either runs
/// or is ended with its reason, unless it is held for ever or waits behind such a job.
/// </summary>
public sealed class EligibilityPropertyTests
{
    private const int Streams = 150;

    [Fact]
    public void Holds_dependencies_and_sweep_limits_hold_on_every_step_of_random_streams()
    {
        var startsChecked = 0;
        var sweepRequeues = 0;
        for (var seed = 1; seed <= Streams; seed++)
        {
            var random = new Random(seed);
            var (run, released) = RandomRun(random);
            var held = run.Snapshot.Controls.Holds.Keys.ToHashSet();
            var dependencies = run.Snapshot.Controls.Dependencies;
            var sweeps = run.Snapshot.Controls.Sweeps.Values.ToDictionary(s => s.Id, s => s.MaxRunning);
            var members = run.Snapshot.Controls.Members;
            var requeues = 0;
            var startedBefore = new HashSet<JobId>();

            for (var step = 0; step < 400 && (run.Snapshot.Pending.Count > 0 || !run.Snapshot.Running.IsEmpty); step++)
            {
                if (step == 40)
                {
                    // The holds still in place are released; the ones to keep for ever are taken back here too.
                    foreach (var id in released)
                    {
                        run.Control(c => c.Release(id));
                        held.Remove(id);
                    }
                }

                foreach (var start in run.Step())
                {
                    var id = start.Job.Id;
                    held.Should().NotContain(id, $"seed {seed}: job {id} is held and must never start");
                    // A requeued job ran once after its dependencies were met; they are not asked for again.
                    foreach (var term in startedBefore.Add(id) ? dependencies.GetValueOrDefault(id, []) : [])
                    {
                        run.Ends.Should().ContainKey(term.On, $"seed {seed}: job {id} starts only after job {term.On} ended");
                        term.StatusGiven(run.Ends[term.On]).Should().Be(DependencyStatus.Met, $"seed {seed}: job {id} waits for {term}");
                    }

                    startsChecked++;
                }

                foreach (var (sweep, limit) in sweeps.Where(s => s.Value is not null))
                {
                    var runningInSweep = run.Snapshot.Running.Count(r => members.TryGetValue(r.Job.Id, out var m) && m.Sweep == sweep);
                    runningInSweep.Should().BeLessThanOrEqualTo(limit!.Value, $"seed {seed}: sweep {sweep} at step {step}");
                }

                foreach (var running in run.Snapshot.Running.Where(_ => random.Next(3) == 0).ToList())
                {
                    run.End(running.Job.Id, random.Next(3) == 0 ? JobState.Failed : JobState.Succeeded);
                }

                // Now and then a job is requeued, running or ended: a sweep's job keeps its place there (at most 6 per stream, so it ends).
                if (step < 200 && requeues < 6 && random.Next(4) == 0
                    && run.Started.Keys.Where(id => run.Snapshot.Running.Any(r => r.Job.Id == id) || run.Ends.ContainsKey(id)).Order().ToList() is { Count: > 0 } candidates)
                {
                    var chosen = candidates[random.Next(candidates.Count)];
                    var place = members.GetValueOrDefault(chosen);
                    run.Requeue(chosen, place);
                    requeues++;
                    sweepRequeues += place is null ? 0 : 1;
                }

                run.Advance(TimeSpan.FromMinutes(1));
            }

            run.Snapshot.Running.Should().BeEmpty($"seed {seed}: the stream runs to its end");
            foreach (var waiting in run.Snapshot.Pending.AllJobs.Select(j => j.Id))
            {
                var waitsOnAWaitingJob = dependencies.GetValueOrDefault(waiting, []).Any(t => run.Snapshot.Pending.Find(t.On) is not null);
                (held.Contains(waiting) || waitsOnAWaitingJob).Should().BeTrue($"seed {seed}: job {waiting} still waits only when held for ever or behind such a job");
            }

            foreach (var ended in run.Ended)
            {
                ended.Reason.Should().StartWith("dependency never met", $"seed {seed}");
            }
        }

        startsChecked.Should().BeGreaterThan(Streams * 10, "the streams must start many jobs to check");
        sweepRequeues.Should().BeGreaterThan(Streams / 2, "the streams must requeue many of a sweep's jobs");
    }

    /// <summary>A cluster with 20-40 waiting jobs: some held (most released at step 40), some depending on earlier ones, some in a sweep with a limit.</summary>
    private static (ControlledRun Run, List<JobId> Released) RandomRun(Random random)
    {
        var builder = Cluster().Node("n1", gpus: 8).Node("n2", gpus: 4).Team("a", nominalGpus: 8, borrowGpus: 4).Team("b", nominalGpus: 4, borrowGpus: 8).Greedy();
        var count = random.Next(20, 41);
        for (var id = 1; id <= count; id++)
        {
            builder.Pending(id, random.Next(2) == 0 ? "a" : "b", gpus: random.Next(0, 4), walltime: TimeSpan.FromMinutes(random.Next(5, 60)), priority: random.Next(3));
        }

        var controls = JobControls.Empty;
        var released = new List<JobId>();
        var sweepSize = random.Next(3, 9);
        var sweepStart = random.Next(1, count - sweepSize + 1);
        controls = controls.StartSweep(new SweepTally(1, "sweep", "alice", "a", sweepSize, MaxRunning: random.Next(1, 4)));
        for (var i = 0; i < sweepSize; i++)
        {
            controls = controls.Join(Jobs.Id(sweepStart + i), new SweepMember(1, i));
        }

        for (var id = 1; id <= count; id++)
        {
            var job = Jobs.Id(id);
            if (random.Next(6) == 0)
            {
                controls = controls.Hold(job, new JobHold("alice", (HoldAuthority)random.Next(3)));
                if (random.Next(4) > 0)
                {
                    released.Add(job);
                }
            }

            if (id > 1 && random.Next(3) == 0)
            {
                var terms = Enumerable.Range(0, random.Next(1, 3))
                    .Select(_ => random.Next(1, id))
                    .Distinct()
                    .Select(on => new DependencyTerm(Jobs.Id(on), (DependencyRule)random.Next(3)))
                    .ToImmutableArray();
                controls = controls.Depend(job, terms);
            }
        }

        return (new ControlledRun(builder.Build() with { Controls = controls }), released);
    }
}
