using Dashboard.Scheduling.Model;
using Dashboard.Scheduling.Planning;
using Dashboard.Scheduling.Tests.Builders;
using static Dashboard.Scheduling.Tests.Builders.ClusterBuilder;

namespace Dashboard.Scheduling.Tests.Planning;

public sealed class ClusterTransitionsTests
{
    private static readonly ClusterSnapshot OneNode = Cluster().Node("n1", gpus: 8).Team("a", nominalGpus: 8).Build();

    [Fact]
    public void Submitting_adds_the_job_to_its_team_queue_and_leaves_the_old_snapshot_alone()
    {
        var job = Jobs.Job(1);

        var after = ClusterTransitions.Submit(OneNode, job);

        after.Pending.Find(job.Id).Should().Be(job);
        after.Pending.ByTeam["a"].Should().Equal(job);
        OneNode.Pending.Count.Should().Be(0);
    }

    [Fact]
    public void Submitting_a_job_that_is_already_pending_throws()
    {
        var once = ClusterTransitions.Submit(OneNode, Jobs.Job(1));

        var twice = () => ClusterTransitions.Submit(once, Jobs.Job(1));

        twice.Should().Throw<InvalidOperationException>().WithMessage("Job 1 is already pending.");
    }

    [Fact]
    public void Submitting_a_job_that_is_already_running_throws()
    {
        var snapshot = Cluster().Node("n1", gpus: 8).Team("a", nominalGpus: 8).Running(1, "a", "n1", [0]).Build();

        var submit = () => ClusterTransitions.Submit(snapshot, Jobs.Job(1));

        submit.Should().Throw<InvalidOperationException>().WithMessage("Job 1 is already running.");
    }

    [Fact]
    public void Applying_a_plan_starts_its_jobs_and_drops_its_refusals()
    {
        var snapshot = Cluster().Node("n1", gpus: 8).Team("a", nominalGpus: 8).Pending(1, "a").Pending(2, "a").Pending(3, "a").Build();
        var job1 = snapshot.Pending.Find(Jobs.Id(1))!;
        var allocation = new GpuAllocation(job1.Id, "n1", [0], 1000, 1024, Time.Now, null);
        var plan = SchedulePlan.Empty with
        {
            Starts = [new JobStart(job1, allocation, Borrowing: true)],
            Refusals = [new JobRefusal(Jobs.Id(2), "never")],
        };

        var after = ClusterTransitions.ApplyPlan(snapshot, plan);

        after.Running.Should().ContainSingle().Which.Should().Be(new RunningJob(job1, allocation, Borrowing: true));
        after.Pending.AllJobs.Select(j => j.Id).Should().Equal(Jobs.Id(3));
        snapshot.Pending.Count.Should().Be(3);
    }

    [Fact]
    public void Applying_a_plan_that_starts_a_job_that_is_not_pending_throws()
    {
        var job = Jobs.Job(9);
        var plan = SchedulePlan.Empty with { Starts = [new JobStart(job, new GpuAllocation(job.Id, "n1", [0], 1000, 1024, Time.Now, null), false)] };

        var apply = () => ClusterTransitions.ApplyPlan(OneNode, plan);

        apply.Should().Throw<InvalidOperationException>().WithMessage("Job 9 is not pending.");
    }

    [Fact]
    public void Applying_a_plan_that_refuses_a_job_that_is_not_pending_throws()
    {
        var plan = SchedulePlan.Empty with { Refusals = [new JobRefusal(Jobs.Id(9), "never")] };

        var apply = () => ClusterTransitions.ApplyPlan(OneNode, plan);

        apply.Should().Throw<InvalidOperationException>().WithMessage("Refused job 9 is not pending.");
    }

    [Fact]
    public void Applying_a_plan_leaves_preemption_victims_running_until_the_engine_stops_them()
    {
        var snapshot = Cluster().Node("n1", gpus: 8).Team("a", nominalGpus: 8).Running(1, "a", "n1", [0], borrowing: true).Build();
        var plan = SchedulePlan.Empty with { Preemptions = [new JobPreemption(Jobs.Id(1), Jobs.Id(2), "reclaim")] };

        ClusterTransitions.ApplyPlan(snapshot, plan).Running.Should().Equal(snapshot.Running);
    }

    [Fact]
    public void Releasing_frees_exactly_what_the_job_held_and_accrues_its_use()
    {
        var snapshot = Cluster()
            .Node("n1", gpus: 8)
            .Team("a", nominalGpus: 8)
            .Running(1, "a", "n1", [0, 1], cpuCores: 4, startedAt: Time.Now)
            .Running(2, "a", "n1", [2], startedAt: Time.Now)
            .Build();

        var after = ClusterTransitions.Release(snapshot, Jobs.Id(1), Time.Now.AddHours(1));

        after.Running.Select(r => r.Job.Id).Should().Equal(Jobs.Id(2));
        var usage = after.Usage.Should().ContainSingle().Subject;
        usage.Team.Should().Be("a");
        usage.GpuSeconds.Should().BeApproximately(2 * 3600, 1e-9);
        usage.CpuSeconds.Should().BeApproximately(4 * 3600, 1e-9);
        usage.AsOf.Should().Be(Time.Now.AddHours(1));
    }

    [Fact]
    public void Releasing_decays_the_team_usage_before_adding_to_it()
    {
        var snapshot = Cluster()
            .Node("n1", gpus: 8)
            .Team("a", nominalGpus: 8)
            .Team("b", nominalGpus: 8)
            .Usage("a", gpuSeconds: 10_000, cpuSeconds: 0, asOf: Time.Now.AddDays(-7))
            .Usage("b", gpuSeconds: 42, asOf: Time.Now.AddDays(-7))
            .Running(1, "a", "n1", [0], cpuCores: 0.5, startedAt: Time.Now.AddSeconds(-100))
            .Build();

        var after = ClusterTransitions.Release(snapshot, Jobs.Id(1), Time.Now);

        after.Usage.Select(u => u.Team).Should().Equal("a", "b");
        after.Usage[0].GpuSeconds.Should().BeApproximately(5000 + 100, 1e-6);
        after.Usage[0].CpuSeconds.Should().BeApproximately(50, 1e-6);
        after.Usage[1].Should().Be(snapshot.Usage[1]);
    }

    [Fact]
    public void Releases_in_a_row_accrue_to_each_team_in_team_order_also_for_a_team_without_usage_yet()
    {
        var snapshot = Cluster()
            .Node("n1", gpus: 8)
            .Team("a", nominalGpus: 4)
            .Team("b", nominalGpus: 2)
            .Team("c", nominalGpus: 2)
            .Usage("a", gpuSeconds: 10)
            .Usage("c", gpuSeconds: 30)
            .Running(1, "c", "n1", [0], startedAt: Time.Now.AddSeconds(-100))
            .Running(2, "a", "n1", [1], startedAt: Time.Now.AddSeconds(-100))
            .Running(3, "b", "n1", [2], startedAt: Time.Now.AddSeconds(-100))
            .Running(4, "c", "n1", [3], startedAt: Time.Now.AddSeconds(-100))
            .Build();

        var after = new[] { 1L, 2, 3, 4 }.Aggregate(snapshot, (s, id) => ClusterTransitions.Release(s, Jobs.Id(id), Time.Now));

        after.Usage.Select(u => (u.Team, Math.Round(u.GpuSeconds))).Should().Equal(("a", 110.0), ("b", 100.0), ("c", 230.0));
    }

    [Fact]
    public void Releasing_a_job_makes_a_borrowing_job_of_its_team_that_now_fits_guaranteed()
    {
        var snapshot = Cluster()
            .Node("n1", gpus: 8)
            .Team("a", nominalGpus: 4, borrowGpus: 4)
            .Team("b", nominalGpus: 0, borrowGpus: 8)
            .Running(1, "a", "n1", [0, 1, 2, 3], startedAt: Time.Now.AddHours(-2))
            .Running(2, "a", "n1", [4, 5], startedAt: Time.Now.AddHours(-1), borrowing: true)
            .Running(3, "b", "n1", [6, 7], startedAt: Time.Now.AddHours(-1), borrowing: true)
            .Build();

        var after = ClusterTransitions.Release(snapshot, Jobs.Id(1), Time.Now);

        after.Running.Select(r => (r.Job.Id.Value, r.Borrowing)).Should().Equal((2L, false), (3L, true));
        snapshot.Running.Select(r => (r.Job.Id.Value, r.Borrowing)).Should().Equal((1L, false), (2L, true), (3L, true));
        RunningTeams.IndexOf(after.Running, Jobs.Id(3)).Should().Be(1);
    }

    [Fact]
    public void Requeueing_a_job_re_marks_the_rest_of_its_team()
    {
        var snapshot = Cluster()
            .Node("n1", gpus: 8)
            .Team("a", nominalGpus: 4, borrowGpus: 4)
            .Running(1, "a", "n1", [0, 1, 2, 3], startedAt: Time.Now.AddHours(-2))
            .Running(2, "a", "n1", [4, 5], startedAt: Time.Now.AddHours(-1), borrowing: true)
            .Build();

        var after = ClusterTransitions.Requeue(snapshot, Jobs.Id(1), Time.Now);

        after.Running.Should().ContainSingle().Which.Borrowing.Should().BeFalse();
    }

    [Fact]
    public void Releasing_a_job_of_a_team_without_quota_leaves_the_others_as_they_were()
    {
        var snapshot = Cluster()
            .Node("n1", gpus: 8)
            .Running(1, "ghosts", "n1", [0])
            .Running(2, "ghosts", "n1", [1], borrowing: true)
            .Build();

        ClusterTransitions.Release(snapshot, Jobs.Id(1), Time.Now).Running.Single().Borrowing.Should().BeTrue();
    }

    [Fact]
    public void Releasing_a_job_that_is_not_running_throws()
    {
        var release = () => ClusterTransitions.Release(OneNode, Jobs.Id(5), Time.Now);

        release.Should().Throw<InvalidOperationException>().WithMessage("Job 5 is not running.");
    }

    [Fact]
    public void Requeueing_puts_the_job_back_with_its_original_submit_time_and_accrues_its_use()
    {
        var snapshot = Cluster().Node("n1", gpus: 8).Team("a", nominalGpus: 8).Running(1, "a", "n1", [0, 1], startedAt: Time.Now).Build();
        var job = snapshot.Running[0].Job;

        var after = ClusterTransitions.Requeue(snapshot, Jobs.Id(1), Time.Now.AddMinutes(30));

        after.Running.Should().BeEmpty();
        after.Pending.Find(Jobs.Id(1)).Should().Be(job with { TimesPreempted = 1 }, "it counts the preemption (no thrash: reclaim spares it next time)");
        after.Pending.Find(Jobs.Id(1))!.SubmittedAt.Should().Be(job.SubmittedAt);
        after.Usage.Single().GpuSeconds.Should().BeApproximately(2 * 1800, 1e-9);
    }

    [Fact]
    public void Requeueing_a_job_that_is_not_running_throws()
    {
        var requeue = () => ClusterTransitions.Requeue(OneNode, Jobs.Id(5), Time.Now);

        requeue.Should().Throw<InvalidOperationException>().WithMessage("Job 5 is not running.");
    }

    [Fact]
    public void Cancelling_a_pending_job_removes_it()
    {
        var snapshot = Cluster().Node("n1", gpus: 8).Team("a", nominalGpus: 8).Pending(1, "a").Pending(2, "a").Build();

        var after = ClusterTransitions.CancelPending(snapshot, Jobs.Id(1));

        after.Pending.AllJobs.Select(j => j.Id).Should().Equal(Jobs.Id(2));
    }

    [Fact]
    public void Cancelling_a_job_that_is_not_pending_throws()
    {
        var cancel = () => ClusterTransitions.CancelPending(OneNode, Jobs.Id(3));

        cancel.Should().Throw<InvalidOperationException>().WithMessage("Job 3 is not pending.");
    }

    [Fact]
    public void Lowering_a_quota_marks_the_newest_jobs_borrowing_and_stops_nothing()
    {
        var snapshot = Cluster()
            .Node("n1", gpus: 8)
            .Team("a", nominalGpus: 8)
            .Running(1, "a", "n1", [0, 1], startedAt: Time.Now.AddHours(-3))
            .Running(2, "a", "n1", [2, 3], startedAt: Time.Now.AddHours(-1))
            .Running(3, "a", "n1", [4, 5], startedAt: Time.Now.AddHours(-2))
            .Build();

        var after = ClusterTransitions.SetQuota(snapshot, Quota("a", nominalGpus: 4, borrowGpus: 4));

        after.Running.Select(r => (r.Job.Id.Value, r.Borrowing)).Should().Equal((1L, false), (2L, true), (3L, false));
        after.Quotas.Should().ContainSingle().Which.Nominal.Gpus.Should().Be(4);
    }

    [Fact]
    public void Jobs_that_started_together_are_re_marked_by_id()
    {
        var snapshot = Cluster()
            .Node("n1", gpus: 8)
            .Team("a", nominalGpus: 8)
            .Running(7, "a", "n1", [0, 1], startedAt: Time.Now)
            .Running(5, "a", "n1", [2, 3], startedAt: Time.Now)
            .Build();

        var after = ClusterTransitions.SetQuota(snapshot, Quota("a", nominalGpus: 2));

        after.Running.Select(r => (r.Job.Id.Value, r.Borrowing)).Should().Equal((7L, true), (5L, false));
    }

    [Fact]
    public void Raising_a_quota_makes_borrowing_jobs_guaranteed_again()
    {
        var snapshot = Cluster()
            .Node("n1", gpus: 8)
            .Team("a", nominalGpus: 2, borrowGpus: 6)
            .Running(1, "a", "n1", [0, 1], startedAt: Time.Now.AddHours(-2))
            .Running(2, "a", "n1", [2, 3], startedAt: Time.Now.AddHours(-1), borrowing: true)
            .Build();

        var after = ClusterTransitions.SetQuota(snapshot, Quota("a", nominalGpus: 8));

        after.Running.Should().OnlyContain(r => !r.Borrowing);
    }

    [Fact]
    public void A_quota_change_considers_CPU_and_memory_too()
    {
        var snapshot = Cluster()
            .Node("n1", gpus: 8)
            .Team("a", nominalGpus: 8)
            .Running(1, "a", "n1", [0], cpuCores: 8, startedAt: Time.Now.AddHours(-2))
            .Running(2, "a", "n1", [1], cpuCores: 8, startedAt: Time.Now.AddHours(-1))
            .Build();

        var after = ClusterTransitions.SetQuota(snapshot, Quota("a", nominalGpus: 8, nominalCpuCores: 10));

        after.Running.Select(r => r.Borrowing).Should().Equal(false, true);
    }

    [Fact]
    public void A_quota_change_leaves_other_teams_jobs_alone()
    {
        var snapshot = Cluster()
            .Node("n1", gpus: 8)
            .Team("a", nominalGpus: 8)
            .Team("b", nominalGpus: 0, borrowGpus: 8)
            .Running(1, "b", "n1", [0, 1], borrowing: true)
            .Running(2, "a", "n1", [2, 3])
            .Build();

        var after = ClusterTransitions.SetQuota(snapshot, Quota("a", nominalGpus: 0, borrowGpus: 8));

        after.Running.Select(r => r.Borrowing).Should().Equal(true, true);
        var again = ClusterTransitions.SetQuota(snapshot, Quota("a", nominalGpus: 8));
        again.Running.Should().Equal(snapshot.Running);
    }

    [Fact]
    public void A_new_quota_replaces_the_old_one_and_quotas_stay_in_name_order()
    {
        var snapshot = Cluster().Node("n1", gpus: 8).Team("b", nominalGpus: 1).Team("d", nominalGpus: 1).Build();

        var after = ClusterTransitions.SetQuota(snapshot, Quota("c", nominalGpus: 2));
        after = ClusterTransitions.SetQuota(after, Quota("b", nominalGpus: 5));

        after.Quotas.Select(q => (q.Team, q.Nominal.Gpus)).Should().Equal(("b", 5), ("c", 2), ("d", 1));
    }

    [Fact]
    public void Becoming_borrowing_lists_only_the_jobs_that_would_change()
    {
        var snapshot = Cluster()
            .Node("n1", gpus: 8)
            .Team("a", nominalGpus: 4, borrowGpus: 4)
            .Running(1, "a", "n1", [0, 1], startedAt: Time.Now.AddHours(-3))
            .Running(2, "a", "n1", [2, 3], startedAt: Time.Now.AddHours(-2))
            .Running(3, "a", "n1", [4, 5], startedAt: Time.Now.AddHours(-1), borrowing: true)
            .Build();

        var changed = ClusterTransitions.BecomeBorrowing(snapshot, Quota("a", nominalGpus: 2, borrowGpus: 6));

        changed.Select(r => r.Job.Id).Should().Equal(Jobs.Id(2));
        changed.Should().OnlyContain(r => r.Borrowing);
        snapshot.Running[1].Borrowing.Should().BeFalse();
    }

    [Fact]
    public void Draining_a_node_changes_only_its_state()
    {
        var snapshot = Cluster().Node("n1", gpus: 8).Node("n2", gpus: 8).Build();

        var after = ClusterTransitions.SetNodeState(snapshot, "n2", NodeState.Draining);

        after.Nodes.Select(n => (n.Name, n.State)).Should().Equal(("n1", NodeState.Ready), ("n2", NodeState.Draining));
        after.Nodes[1].Should().Be(snapshot.Nodes[1] with { State = NodeState.Draining });
    }

    [Fact]
    public void Draining_an_unknown_node_throws()
    {
        var drain = () => ClusterTransitions.SetNodeState(OneNode, "nope", NodeState.Draining);

        drain.Should().Throw<InvalidOperationException>().WithMessage("There is no node named nope.");
    }

    [Fact]
    public void Upserting_a_node_adds_it_in_name_order_or_replaces_the_node_of_that_name()
    {
        var snapshot = Cluster().Node("n1", gpus: 8).Node("n3", gpus: 8).Build();
        var n2 = new Node("n2", [new Gpu(0, "A100", 40_960)], 8000, 65_536);
        var bigger = snapshot.Nodes[0] with { Gpus = [.. Enumerable.Range(0, 16).Select(i => new Gpu(i, "H100", 81_920))] };

        var after = ClusterTransitions.UpsertNode(ClusterTransitions.UpsertNode(snapshot, n2), bigger);

        after.Nodes.Select(n => (n.Name, n.Gpus.Length)).Should().Equal(("n1", 16), ("n2", 1), ("n3", 8));
    }

    private static TeamQuota Quota(string team, int nominalGpus, int borrowGpus = 0, double nominalCpuCores = GenerousCpuCores) =>
        new(
            team,
            new ResourceAmount(nominalGpus, Cpu(nominalCpuCores), GenerousMemoryGiB * Units.MiBPerGiB),
            new ResourceAmount(borrowGpus, 0, 0));
}
