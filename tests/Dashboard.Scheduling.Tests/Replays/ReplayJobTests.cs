using AwesomeAssertions;
using Dashboard.Scheduling.Replays;
using Dashboard.Scheduling.Tests.Builders;
using Xunit;

namespace Dashboard.Scheduling.Tests.Replays;

public sealed class ReplayJobTests
{
    private static readonly DateTimeOffset Window = Time.Epoch.AddDays(2);

    [Fact]
    public void A_job_running_when_the_window_opens_arrives_then_with_what_is_left_of_its_run_and_of_its_walltime()
    {
        var job = Jobs.Job(1, gpus: 4, walltime: TimeSpan.FromHours(5), submittedAt: Window.AddHours(-3));

        var background = ReplayJob.RunningAt(job, Window.AddHours(-3), TimeSpan.FromHours(4.5), Window)!;

        background.Background.Should().BeTrue();
        background.Arrival.Should().Be(Window);
        background.RunTime.Should().Be(TimeSpan.FromHours(1.5));
        background.Job.Spec.Walltime.Should().Be(TimeSpan.FromHours(2));
        background.Job.SubmittedAt.Should().Be(job.SubmittedAt);
        background.Job.Id.Should().Be(job.Id);
    }

    [Theory]
    [InlineData(-3, 2.5)] // ended before the window opened
    [InlineData(-3, 3)] // ended as it opened
    [InlineData(-6, 5.5)] // stopped by its 5-hour walltime an hour before the window
    [InlineData(0, 1)] // starts with the window: not background
    [InlineData(1, 1)] // starts after it
    public void A_job_that_does_not_run_when_the_window_opens_is_not_background(double startHours, double runHours)
    {
        var job = Jobs.Job(1, walltime: TimeSpan.FromHours(5), submittedAt: Window.AddHours(startHours));

        ReplayJob.RunningAt(job, Window.AddHours(startHours), TimeSpan.FromHours(runHours), Window).Should().BeNull();
    }

    [Fact]
    public void A_background_job_holds_up_reservations_only_until_its_walltime_counted_from_its_real_start()
    {
        // The background job (4 of 8 GPUs) has run 3 h of its 5 h walltime: an 8-GPU job reserves the node 2 h after the
        // window opens, so a 4-GPU job of 3 h would delay it and waits. Counted from the window's start (5 h), the
        // reservation would lie 5 h ahead and the 3-hour job would start at once beside the background job. The team's
        // nominal share covers every job, so none borrows (a borrowing job would reserve only after the guaranteed ones).
        var cluster = ClusterBuilder.Cluster().Node("n1", gpus: 8).Team("a", nominalGpus: 16).Build();
        var background = ReplayJob.RunningAt(
            Jobs.Job(1, gpus: 4, walltime: TimeSpan.FromHours(5), submittedAt: Window.AddHours(-3)), Window.AddHours(-3), TimeSpan.FromHours(4), Window)!;
        var large = new ReplayJob(Jobs.Job(2, gpus: 8, walltime: TimeSpan.FromHours(1), submittedAt: Window.AddSeconds(1)), TimeSpan.FromMinutes(30));
        var filler = new ReplayJob(Jobs.Job(3, gpus: 4, walltime: TimeSpan.FromHours(3), submittedAt: Window.AddSeconds(2)), TimeSpan.FromHours(3));

        var result = TraceReplayer.Run(cluster, [background, large, filler]);

        result.Jobs.Single(j => j.Recorded.Job.Id.Value == 2).FirstStart.Should().Be(Window.AddHours(1));
        result.Jobs.Single(j => j.Recorded.Job.Id.Value == 3).FirstStart.Should().Be(Window.AddHours(1.5));
    }
}
