using AwesomeAssertions;
using Dashboard.Scheduling.Replays;
using Dashboard.Scheduling.Tests.Builders;
using Xunit;

namespace Dashboard.Scheduling.Tests.Replays;

public sealed class TraceReplayerTests
{
    private static readonly DateTimeOffset T0 = Time.Epoch;

    private static ReplayJob Recorded(long id, int gpus, double submitSeconds, double runSeconds) =>
        new(Jobs.Job(id, "a", gpus, walltime: TimeSpan.FromHours(1), submittedAt: T0.AddSeconds(submitSeconds)), TimeSpan.FromSeconds(runSeconds));

    [Fact]
    public void A_job_that_does_not_fit_waits_for_the_end_and_the_GPU_it_cannot_use_counts_as_fragmented_not_idle()
    {
        var cluster = ClusterBuilder.Cluster().Node("n1", gpus: 4).Team("a", nominalGpus: 4).Build();

        var result = TraceReplayer.Run(cluster, [Recorded(1, 3, 0, 100), Recorded(2, 2, 10, 50)]);
        var figures = ReplayFigures.Of(result);

        result.Jobs.Single(j => j.Recorded.Job.Id.Value == 2).Wait.Should().Be(TimeSpan.FromSeconds(90));
        figures.MeanWaitSeconds.Should().Be(45);
        figures.MaxWaitSeconds.Should().Be(90);
        figures.IdleWhileWaitingGpuHours.Should().Be(0);
        result.FreeWhileWaitingGpuSeconds.Should().Be(90);
        result.FragmentedGpuSeconds.Should().Be(90);
        result.SpanSeconds.Should().Be(150);
        figures.Utilisation.Should().BeApproximately((3 * 100 + 2 * 50) / (4.0 * 150), 1e-9);
        figures.Preemptions.Should().Be(0);
    }

    [Fact]
    public void A_free_GPU_counts_as_idle_while_a_job_that_fits_on_its_node_waits()
    {
        // Job 2 (4 GPUs) reserves the node at job 1's walltime end; job 3 (1 GPU, 1 h) fits on the free GPU but would
        // run past that reservation, so it waits while the GPU it could use stays free until job 1 ends at 100 s.
        var cluster = ClusterBuilder.Cluster().Node("n1", gpus: 4).Team("a", nominalGpus: 8).Build();

        var result = TraceReplayer.Run(cluster, [Recorded(1, 3, 0, 100), Recorded(2, 4, 5, 50), Recorded(3, 1, 10, 50)]);
        var figures = ReplayFigures.Of(result);

        result.Jobs.Single(j => j.Recorded.Job.Id.Value == 3).Wait.Should().BeGreaterThan(TimeSpan.Zero);
        figures.IdleWhileWaitingGpuHours.Should().BeApproximately(90.0 / 3600, 1e-9);
        result.FragmentedGpuSeconds.Should().Be(5);
    }

    [Fact]
    public void A_job_runs_no_longer_than_its_walltime()
    {
        var cluster = ClusterBuilder.Cluster().Node("n1", gpus: 1).Team("a", nominalGpus: 1).Build();

        var result = TraceReplayer.Run(cluster, [Recorded(1, 1, 0, 10_000), Recorded(2, 1, 1, 10)]);

        result.Jobs.Single(j => j.Recorded.Job.Id.Value == 2).FirstStart.Should().Be(T0.AddHours(1));
    }

    [Fact]
    public void The_same_jobs_replay_to_the_same_result()
    {
        var cluster = ClusterBuilder.Cluster().Node("n1", gpus: 8).Node("n2", gpus: 8).Team("a", nominalGpus: 8, borrowGpus: 8).Team("b", nominalGpus: 8, borrowGpus: 8).Build();
        var random = new Random(7);
        var jobs = Enumerable.Range(1, 200)
            .Select(i => new ReplayJob(
                Jobs.Job(i, i % 3 == 0 ? "b" : "a", random.Next(1, 9), walltime: TimeSpan.FromHours(2), submittedAt: T0.AddSeconds(i * 60)),
                TimeSpan.FromSeconds(random.Next(60, 7200))))
            .ToList();

        ReplayFigures.Of(TraceReplayer.Run(cluster, jobs)).Should().Be(ReplayFigures.Of(TraceReplayer.Run(cluster, jobs)));
    }

    [Fact]
    public void A_cluster_with_jobs_already_in_it_is_refused()
    {
        var busy = ClusterBuilder.Cluster().Node("n1", gpus: 1).Team("a", nominalGpus: 1).Pending(1, "a").Build();

        var replay = () => TraceReplayer.Run(busy, [Recorded(2, 1, 0, 10)]);

        replay.Should().Throw<ArgumentException>().WithMessage("*no pending and no running job*");
    }
}
