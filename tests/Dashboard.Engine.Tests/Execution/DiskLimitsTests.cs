using Dashboard.Engine.Execution;
using Dashboard.Scheduling.Model;

namespace Dashboard.Engine.Tests.Execution;

public sealed class DiskLimitsTests
{
    private const long MiB = 1024 * 1024;
    private const long GiB = 1024 * MiB;

    [Fact]
    public void A_job_over_its_limit_is_stopped_with_what_it_wrote_and_the_limit()
    {
        var limits = new DiskLimits(MaxJobBytes: 20 * GiB, MinFreeBytes: 2 * GiB);

        var stops = limits.Decide([Size(1, (long)(21.3 * GiB)), Size(2, 19 * GiB)], freeBytes: 100 * GiB);

        stops.Should().Equal(new DiskStop(new JobId(1), "wrote 21.3 GiB into its folder, over the 20 GiB limit per job"));
    }

    [Fact]
    public void A_job_whose_folder_could_not_be_read_in_part_is_stopped_whatever_was_counted()
    {
        var limits = new DiskLimits(MaxJobBytes: 20 * GiB, MinFreeBytes: 2 * GiB);

        var stops = limits.Decide([new JobFolderSize(new JobId(1), 1 * MiB, Unreadable: true), Size(2, 1 * MiB)], freeBytes: 100 * GiB);

        stops.Should().Equal(new DiskStop(
            new JobId(1),
            "made part of its folder unreadable to the server (a folder without read or search permission), so its disk use cannot be checked against the 20 GiB limit per job"));
    }

    [Fact]
    public void An_unreadable_folder_of_a_job_already_being_stopped_or_with_no_limit_stops_nothing_more()
    {
        new DiskLimits(MaxJobBytes: 20 * GiB, MinFreeBytes: 0)
            .Decide([new JobFolderSize(new JobId(1), 1 * MiB, Stopping: true, Unreadable: true)], freeBytes: 100 * GiB)
            .Should().BeEmpty("it is on its way out");
        new DiskLimits(MaxJobBytes: 0, MinFreeBytes: 2 * GiB)
            .Decide([new JobFolderSize(new JobId(1), 1 * MiB, Unreadable: true)], freeBytes: 100 * GiB)
            .Should().BeEmpty("without a limit per job there is nothing to check it against");
    }

    [Fact]
    public void Jobs_at_or_under_their_limit_with_enough_free_space_are_left_alone()
    {
        var limits = new DiskLimits(MaxJobBytes: 20 * GiB, MinFreeBytes: 2 * GiB);

        limits.Decide([Size(1, 20 * GiB), Size(2, 0)], freeBytes: 2 * GiB).Should().BeEmpty("exactly at the limit and exactly at the floor is allowed");
    }

    [Fact]
    public void Under_the_free_space_floor_the_job_with_the_largest_folder_is_stopped_one_per_check()
    {
        var limits = new DiskLimits(MaxJobBytes: 0, MinFreeBytes: 2 * GiB);

        var stops = limits.Decide([Size(1, 3 * GiB), Size(2, 8 * GiB), Size(3, 5 * GiB)], freeBytes: (long)(1.2 * GiB));

        stops.Should().Equal(new DiskStop(
            new JobId(2),
            "stopped because the server's disk was nearly full (1.2 GiB free, under the 2 GiB kept free); its folder was the largest of the running jobs (8 GiB)"));
    }

    [Fact]
    public void Under_the_floor_equal_folders_are_taken_lowest_job_id_first()
    {
        var limits = new DiskLimits(MaxJobBytes: 0, MinFreeBytes: 2 * GiB);

        limits.Decide([Size(9, GiB), Size(4, GiB)], freeBytes: 0).Single().Job.Should().Be(new JobId(4));
    }

    [Fact]
    public void Under_the_floor_a_job_already_stopped_for_its_own_limit_is_not_counted_twice()
    {
        var limits = new DiskLimits(MaxJobBytes: 10 * GiB, MinFreeBytes: 2 * GiB);

        var stops = limits.Decide([Size(1, 30 * GiB), Size(2, 4 * GiB), Size(3, 1 * GiB)], freeBytes: GiB);

        stops.Select(s => s.Job.Value).Should().Equal(1, 2);
        stops[0].Reason.Should().StartWith("wrote 30 GiB");
        stops[1].Reason.Should().Contain("nearly full");
    }

    [Fact]
    public void Zero_turns_each_rule_off_and_an_unreadable_free_space_stops_nothing()
    {
        new DiskLimits(0, 0).Decide([Size(1, 900 * GiB)], freeBytes: 0).Should().BeEmpty();
        new DiskLimits(0, 2 * GiB).Decide([Size(1, 900 * GiB)], freeBytes: null).Should().BeEmpty();
        new DiskLimits(0, 2 * GiB).Decide([], freeBytes: 0).Should().BeEmpty("no running job: nothing to stop");
    }

    [Fact]
    public void After_one_stop_a_further_check_with_the_free_space_unchanged_stops_nobody()
    {
        var limits = new DiskLimits(MaxJobBytes: 0, MinFreeBytes: 2 * GiB);
        var first = limits.Decide([Size(1, 8 * GiB), Size(2, 3 * GiB)], freeBytes: GiB);
        first.Single().Job.Should().Be(new JobId(1), "at the first check no growth is known: the largest folder");

        // The stopped job has ended, its folder is still there: the free space stays where it was.
        var previous = new DiskReading(GiB, [Size(1, 8 * GiB, stopping: true), Size(2, 3 * GiB)]);
        limits.Decide([Size(2, 3 * GiB)], freeBytes: GiB, previous).Should().BeEmpty("nobody writes any more: the running job goes on");
        limits.Decide([Size(2, 3 * GiB)], freeBytes: GiB + MiB, new DiskReading(GiB, [Size(2, 3 * GiB)])).Should().BeEmpty("the free space grows again");
    }

    [Fact]
    public void A_job_that_keeps_writing_is_chosen_over_a_larger_idle_one()
    {
        var limits = new DiskLimits(MaxJobBytes: 0, MinFreeBytes: 2 * GiB);
        var previous = new DiskReading(GiB, [Size(1, 8 * GiB), Size(2, GiB), Size(3, 2 * GiB)]);

        var stops = limits.Decide([Size(1, 8 * GiB), Size(2, 3 * GiB), Size(3, (long)(2.5 * GiB))], freeBytes: GiB / 2, previous);

        stops.Should().Equal(new DiskStop(
            new JobId(2),
            "stopped because the server's disk was nearly full (512 MiB free, under the 2 GiB kept free); its folder grew the most of the running jobs (2 GiB since the last check, 3 GiB in all)"));
    }

    [Fact]
    public void A_job_started_since_the_previous_check_grew_by_all_its_folder()
    {
        var limits = new DiskLimits(MaxJobBytes: 0, MinFreeBytes: 2 * GiB);

        var stops = limits.Decide([Size(1, 8 * GiB), Size(2, GiB)], freeBytes: GiB / 2, new DiskReading(GiB, [Size(1, 8 * GiB)]));

        stops.Single().Job.Should().Be(new JobId(2));
    }

    [Fact]
    public void While_the_space_falls_nobody_is_stopped_when_no_running_job_grew_or_the_writer_is_already_being_stopped()
    {
        var limits = new DiskLimits(MaxJobBytes: 0, MinFreeBytes: 2 * GiB);
        var previous = new DiskReading(GiB, [Size(1, 8 * GiB), Size(2, GiB)]);

        limits.Decide([Size(1, 8 * GiB), Size(2, GiB)], freeBytes: GiB / 2, previous)
            .Should().BeEmpty("someone else fills the disk: stopping a job would free nothing");
        limits.Decide([Size(1, 9 * GiB, stopping: true), Size(2, GiB + MiB)], freeBytes: GiB / 2, previous)
            .Should().BeEmpty("the job writing most is already on its way out (its grace period)");
    }

    [Fact]
    public void A_check_after_an_unreadable_free_space_knows_no_growth_and_falls_back_to_the_largest()
    {
        var limits = new DiskLimits(MaxJobBytes: 0, MinFreeBytes: 2 * GiB);

        var stops = limits.Decide([Size(1, 8 * GiB), Size(2, 3 * GiB)], freeBytes: GiB, new DiskReading(null, [Size(1, 8 * GiB), Size(2, GiB)]));

        stops.Single().Job.Should().Be(new JobId(1));
    }

    [Fact]
    public void A_job_already_being_stopped_is_not_stopped_again_for_its_own_limit()
    {
        new DiskLimits(MaxJobBytes: GiB, MinFreeBytes: 0).Decide([Size(1, 3 * GiB, stopping: true)], freeBytes: 0).Should().BeEmpty();
    }

    [Theory]
    [InlineData(0L, "0 B")]
    [InlineData(1023L, "1023 B")]
    [InlineData(1536L, "1.5 KiB")]
    [InlineData(4L * 1024 * 1024, "4 MiB")]
    [InlineData(10L * 1024 * 1024 + 4096, "10 MiB")]
    [InlineData(21L * 1024 * 1024 * 1024 + 322122547, "21.3 GiB")]
    public void Sizes_read_as_people_write_them(long bytes, string text) => DiskLimits.Bytes(bytes).Should().Be(text);

    private static JobFolderSize Size(long job, long bytes, bool stopping = false) => new(new JobId(job), bytes, stopping);
}
