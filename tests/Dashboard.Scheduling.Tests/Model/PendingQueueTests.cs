using Dashboard.Scheduling.Model;
using Dashboard.Scheduling.Planning;
using Dashboard.Scheduling.Tests.Builders;

namespace Dashboard.Scheduling.Tests.Model;

public sealed class PendingQueueTests
{
    [Fact]
    public void Each_team_queue_is_ordered_by_priority_then_submit_time_then_id()
    {
        var queue = PendingQueue.From(
        [
            Jobs.Job(1, submittedAt: Time.Now.AddMinutes(5)),
            Jobs.Job(2, submittedAt: Time.Now),
            Jobs.Job(3, priority: 10, submittedAt: Time.Now.AddMinutes(9)),
            Jobs.Job(5, submittedAt: Time.Now.AddMinutes(5)),
            Jobs.Job(4, submittedAt: Time.Now.AddMinutes(5)),
            Jobs.Job(6, priority: -1, submittedAt: Time.Now.AddMinutes(-60)),
        ]);

        queue.ByTeam["a"].Select(j => j.Id.Value).Should().Equal(3, 2, 1, 4, 5, 6);
    }

    [Fact]
    public void Teams_are_kept_in_ordinal_name_order()
    {
        var queue = PendingQueue.From([Jobs.Job(1, team: "b"), Jobs.Job(2, team: "a"), Jobs.Job(3, team: "B"), Jobs.Job(4, team: "a")]);

        queue.ByTeam.Keys.Should().Equal("B", "a", "b");
        queue.AllJobs.Select(j => j.Id.Value).Should().Equal(3, 2, 4, 1);
        queue.Count.Should().Be(4);
    }

    [Fact]
    public void The_same_job_twice_is_refused()
    {
        var from = () => PendingQueue.From([Jobs.Job(1), Jobs.Job(1, team: "b")]);

        from.Should().Throw<ArgumentException>().WithMessage("Job 1 appears twice.*");
    }

    [Fact]
    public void Adding_returns_a_new_queue_and_leaves_the_old_one_unchanged()
    {
        var before = PendingQueue.From([Jobs.Job(1)]);

        var after = before.Add(Jobs.Job(2, team: "b"));

        after.Count.Should().Be(2);
        after.Find(Jobs.Id(2))!.Team.Should().Be("b");
        before.Count.Should().Be(1);
        before.Find(Jobs.Id(2)).Should().BeNull();
        before.ByTeam.Keys.Should().Equal("a");
    }

    [Fact]
    public void Adding_a_job_id_that_is_already_queued_changes_nothing()
    {
        var queue = PendingQueue.From([Jobs.Job(1)]);

        queue.Add(Jobs.Job(1, priority: 99)).Should().BeSameAs(queue);
    }

    [Fact]
    public void Added_jobs_take_their_place_in_the_team_order()
    {
        var queue = PendingQueue.Empty.Add(Jobs.Job(1)).Add(Jobs.Job(2, priority: 5)).Add(Jobs.Job(3, submittedAt: Time.Epoch));

        queue.ByTeam["a"].Select(j => j.Id.Value).Should().Equal(2, 3, 1);
    }

    [Fact]
    public void Removing_takes_the_job_out_by_id()
    {
        var queue = PendingQueue.From([Jobs.Job(1), Jobs.Job(2)]);

        var after = queue.Remove(Jobs.Job(1, priority: 7));

        after.AllJobs.Select(j => j.Id.Value).Should().Equal(2);
        after.Find(Jobs.Id(1)).Should().BeNull();
        queue.Count.Should().Be(2);
    }

    [Fact]
    public void Removing_a_team_s_last_job_removes_the_team()
    {
        var queue = PendingQueue.From([Jobs.Job(1), Jobs.Job(2, team: "b")]);

        queue.Remove(Jobs.Job(2, team: "b")).ByTeam.Keys.Should().Equal("a");
    }

    [Fact]
    public void Removing_a_job_that_is_not_queued_changes_nothing()
    {
        var queue = PendingQueue.From([Jobs.Job(1)]);

        queue.Remove(Jobs.Job(9)).Should().BeSameAs(queue);
    }

    [Fact]
    public void Finding_returns_the_queued_job_or_null()
    {
        var job = Jobs.Job(4, team: "b", gpus: 3);
        var queue = PendingQueue.From([Jobs.Job(1), job]);

        queue.Find(Jobs.Id(4)).Should().BeSameAs(job);
        queue.Find(Jobs.Id(5)).Should().BeNull();
        PendingQueue.Empty.Find(Jobs.Id(1)).Should().BeNull();
    }

    [Fact]
    public void The_empty_queue_has_nothing()
    {
        PendingQueue.Empty.Count.Should().Be(0);
        PendingQueue.Empty.AllJobs.Should().BeEmpty();
        PendingQueue.From([]).ByTeam.Should().BeEmpty();
    }

    [Fact]
    public void A_team_queue_can_be_read_as_a_list_in_team_order()
    {
        var queue = PendingQueue.From([Jobs.Job(1), Jobs.Job(2, priority: 3), Jobs.Job(3, team: "b")]);

        queue.Ordered("a").Select(j => j.Id.Value).Should().Equal(2, 1);
        queue.Ordered("a").Should().BeSameAs(queue.Ordered("a"));
        queue.Ordered("nobody").Should().BeEmpty();
        queue.Add(Jobs.Job(4, priority: 9)).Ordered("a").Select(j => j.Id.Value).Should().Equal(4, 2, 1);
    }

    [Fact]
    public void The_queue_counts_its_jobs_that_ask_for_no_GPU()
    {
        var queue = PendingQueue.From([Jobs.Job(1, gpus: 0), Jobs.Job(2, gpus: 1), Jobs.Job(3, team: "b", gpus: 0)]);

        queue.WithoutGpusCount.Should().Be(2);
        queue.Add(Jobs.Job(4, gpus: 0)).WithoutGpusCount.Should().Be(3);
        queue.Add(Jobs.Job(1, gpus: 0)).WithoutGpusCount.Should().Be(2);
        queue.Remove(Jobs.Job(1)).WithoutGpusCount.Should().Be(1);
        queue.Remove(Jobs.Job(2)).WithoutGpusCount.Should().Be(2);
        queue.Remove(Jobs.Job(9)).WithoutGpusCount.Should().Be(2);
        PendingQueue.Empty.WithoutGpusCount.Should().Be(0);
    }

    [Fact]
    public void The_team_order_puts_null_first_and_is_reflexive()
    {
        var job = Jobs.Job(1);

        TeamQueueOrder.Instance.Compare(job, job).Should().Be(0);
        TeamQueueOrder.Instance.Compare(null, job).Should().BeNegative();
        TeamQueueOrder.Instance.Compare(job, null).Should().BePositive();
        TeamQueueOrder.Instance.Compare(Jobs.Job(1), Jobs.Job(1)).Should().Be(0);
    }

    [Fact]
    public void Each_team_demand_keeps_its_largest_request_as_jobs_come_and_go()
    {
        var big = Jobs.Job(2, gpus: 8, cpuCores: 4);
        var queue = PendingQueue.From([Jobs.Job(1, gpus: 1, cpuCores: 16), big, Jobs.Job(3, team: "b", gpus: 0)]);

        queue.Demand["a"].Peak.Should().Be(new ResourceAmount(8, 16_000, 1024));
        queue.Remove(big).Demand["a"].Peak.Should().Be(new ResourceAmount(1, 16_000, 1024));
        queue.Add(Jobs.Job(4, gpus: 8, cpuCores: 4)).Remove(big).Demand["a"].Peak.Should().Be(new ResourceAmount(8, 16_000, 1024));
        queue.Remove(queue.Find(Jobs.Id(3))!).Demand.Keys.Should().Equal("a");
        queue.Requests.Values.Sum().Should().Be(3);
    }

    [Fact]
    public void The_queue_knows_which_teams_have_jobs_that_ask_for_no_GPU()
    {
        var queue = PendingQueue.From([Jobs.Job(1, gpus: 0), Jobs.Job(2, team: "b", gpus: 1)]);

        queue.HasJobsWithoutGpus("a").Should().BeTrue();
        queue.HasJobsWithoutGpus("b").Should().BeFalse();
        queue.HasJobsWithoutGpus("nobody").Should().BeFalse();
        queue.Remove(Jobs.Job(1)).HasJobsWithoutGpus("a").Should().BeFalse();
    }

    [Fact]
    public void The_summaries_after_adds_and_removes_equal_a_count_from_scratch()
    {
        var queue = PendingQueue.Empty;
        for (var id = 1; id <= 40; id++)
        {
            queue = queue.Add(Jobs.Job(id, team: (id % 3).ToString(System.Globalization.CultureInfo.InvariantCulture), gpus: id % 5, cpuCores: id % 7, memoryGiB: id % 4));
            if (id % 4 == 0)
            {
                queue = queue.Remove(queue.Find(Jobs.Id(id / 2))!);
            }
        }

        Dashboard.Scheduling.Planning.SnapshotInvariants.SummaryViolations(queue).Should().BeEmpty();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Removing_many_jobs_at_once_gives_the_queue_removing_them_one_by_one_gives(int seed)
    {
        var random = new Random(seed);
        var jobs = Enumerable.Range(1, 400)
            .Select(i => Jobs.Job(i, team: $"t{random.Next(5)}", gpus: random.Next(3), cpuCores: 1 + random.Next(3), priority: random.Next(3)))
            .ToList();
        var queue = PendingQueue.From(jobs);

        // Every job of team t0 (the team's queue empties), and a random half of the others.
        var leaving = jobs.Where(j => j.Team == "t0" || random.Next(2) == 0).OrderBy(_ => random.Next()).ToList();
        var together = queue.RemoveAll(leaving, out var missing);
        var oneByOne = leaving.Aggregate(queue, (q, job) => q.Remove(job));

        missing.Should().BeNull();
        together.Count.Should().Be(oneByOne.Count);
        together.WithoutGpusCount.Should().Be(oneByOne.WithoutGpusCount);
        together.ByTeam.Keys.Should().Equal(oneByOne.ByTeam.Keys);
        foreach (var (team, teamQueue) in oneByOne.ByTeam)
        {
            together.ByTeam[team].Should().Equal(teamQueue);
            together.Demand[team].Requests.Should().BeEquivalentTo(oneByOne.Demand[team].Requests);
            together.Demand[team].Peak.Should().Be(oneByOne.Demand[team].Peak);
            together.Demand[team].WithoutGpus.Should().Be(oneByOne.Demand[team].WithoutGpus);
        }

        together.Demand.Keys.Should().BeEquivalentTo(oneByOne.Demand.Keys);
        together.Requests.Should().BeEquivalentTo(oneByOne.Requests);
        jobs.Should().OnlyContain(j => together.Find(j.Id) == oneByOne.Find(j.Id));
        SnapshotInvariants.SummaryViolations(together).Should().BeEmpty();
    }

    [Fact]
    public void Removing_many_jobs_of_which_one_is_not_pending_names_it_and_changes_nothing()
    {
        var queue = PendingQueue.From([Jobs.Job(1), Jobs.Job(2)]);

        var left = queue.RemoveAll([Jobs.Job(1), Jobs.Job(3), Jobs.Job(2)], out var missing);

        missing!.Id.Should().Be(Jobs.Id(3));
        left.Should().BeSameAs(queue);
    }
}
