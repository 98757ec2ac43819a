using Dashboard.Scheduling.Model;
using Dashboard.Scheduling.Tests.Builders;
using static Dashboard.Scheduling.Tests.Builders.ClusterBuilder;

namespace Dashboard.Scheduling.Tests.Planning;

/// <summary>Step 6: every job that still waits says why, how many jobs are ahead of it, and when it should start.</summary>
public sealed class SchedulerExplanationTests
{
    private static readonly TimeSpan TwoHours = TimeSpan.FromHours(2);

    [Fact]
    public void Every_waiting_job_is_explained_and_no_started_or_refused_one_is()
    {
        var plan = Cluster()
            .Node("n1", gpus: 2)
            .Team("a", nominalGpus: 8)
            .Pending(1, "a", gpus: 2)
            .Pending(2, "a", gpus: 1)
            .Pending(3, "a", gpus: 99)
            .Pending(4, "a", gpus: 1)
            .Plan();

        plan.StartedIds().Should().Equal(1);
        plan.Refusals.Select(r => r.Job.Value).Should().Equal(3);
        plan.WaitingIds().Should().Equal(2, 4);
    }

    [Fact]
    public void Jobs_ahead_counts_only_the_jobs_that_still_wait()
    {
        var plan = Cluster()
            .Node("n1", gpus: 4)
            .Team("a", nominalGpus: 16)
            .Pending(1, "a", gpus: 2, priority: 9)
            .Pending(2, "a", gpus: 4, priority: 8)
            .Pending(3, "a", gpus: 2, priority: 7)
            .Pending(4, "a", gpus: 4, priority: 6)
            .Settings(backfillDepth: 0)
            .Plan();

        plan.StartedIds().Should().Equal(1, 3);
        plan.ExplanationOf(2).Reason.JobsAhead.Should().Be(0);
        plan.ExplanationOf(4).Reason.JobsAhead.Should().Be(1);
    }

    [Fact]
    public void The_explanation_reads_as_a_sentence()
    {
        var plan = Cluster()
            .Node("n1", gpus: 8)
            .Team("a", nominalGpus: 4, borrowGpus: 4)
            .Team("b", nominalGpus: 8)
            .Running(1, "a", "n1", [0, 1, 2, 3], endsAt: Time.InHours(1))
            .Running(2, "b", "n1", [4, 5, 6, 7], endsAt: Time.InHours(2))
            .Pending(10, "b", gpus: 1, priority: 5)
            .Pending(11, "b", gpus: 1, priority: 5)
            .Pending(12, "b", gpus: 1, priority: 5)
            .Pending(20, "a", gpus: 4)
            .Plan();

        plan.ExplanationOf(20).Reason.Describe().Should().Be("needs 4 GPUs on one node; no node has that much free now; team a has 4 of its 8 GPUs free (4 in use); 3 jobs ahead");
    }

    [Fact]
    public void A_reserved_job_is_expected_at_its_reservation()
    {
        var plan = Cluster()
            .Node("n1", gpus: 4)
            .Team("a", nominalGpus: 16)
            .Running(1, "a", "n1", [0, 1, 2, 3], endsAt: Time.InHours(1.5))
            .Pending(2, "a", gpus: 4)
            .Plan();

        var explanation = plan.ExplanationOf(2);
        explanation.EstimatedStart.Should().Be(explanation.Reservation!.Start).And.Be(Time.InHours(1.5));
    }

    [Fact]
    public void Without_reservations_the_estimate_simulates_jobs_in_order_for_their_walltimes()
    {
        var plan = Cluster()
            .Node("n1", gpus: 1)
            .Team("a", nominalGpus: 16)
            .Running(1, "a", "n1", [0], endsAt: Time.InHours(1))
            .Pending(2, "a", walltime: TwoHours)
            .Pending(3, "a", walltime: TwoHours)
            .Pending(4, "a")
            .Greedy()
            .Plan();

        plan.Pending.Select(p => p.EstimatedStart).Should().Equal(Time.InHours(1), Time.InHours(3), Time.InHours(5));
    }

    [Fact]
    public void A_job_behind_a_job_without_walltime_has_no_estimate()
    {
        var plan = Cluster()
            .Node("n1", gpus: 1)
            .Team("a", nominalGpus: 16)
            .Running(1, "a", "n1", [0], endsAt: Time.InHours(1))
            .Pending(2, "a")
            .Pending(3, "a", walltime: TwoHours)
            .Greedy()
            .Plan();

        plan.ExplanationOf(2).EstimatedStart.Should().Be(Time.InHours(1));
        plan.ExplanationOf(3).EstimatedStart.Should().BeNull();
    }

    [Fact]
    public void A_job_waiting_for_a_running_job_without_walltime_has_no_estimate()
    {
        var plan = Cluster()
            .Node("n1", gpus: 1)
            .Team("a", nominalGpus: 16)
            .Running(1, "a", "n1", [0])
            .Pending(2, "a", walltime: TwoHours)
            .Plan();

        plan.ExplanationOf(2).EstimatedStart.Should().BeNull();
    }

    [Fact]
    public void A_job_waiting_for_quota_is_expected_when_its_team_frees_enough()
    {
        var plan = Cluster()
            .Node("n1", gpus: 8)
            .Team("a", nominalGpus: 2)
            .Running(1, "a", "n1", [0, 1], endsAt: Time.InHours(2))
            .Pending(2, "a", gpus: 2, walltime: TwoHours)
            .Plan();

        plan.ExplanationOf(2).Reason.Cause.Should().Be(PendingCause.TeamQuotaFull);
        plan.ExplanationOf(2).EstimatedStart.Should().Be(Time.InHours(2));
    }

    [Fact]
    public void Estimates_do_not_depend_on_the_order_of_the_running_jobs()
    {
        // Both running jobs end at +1h. In order, job 3 takes one freed GPU and job 4 (H100 only) the other, both at +1h.
        // Releasing the two ends one by one in list order lets job 3 take the H100 first, pushing job 4 to +2h.
        ClusterBuilder Cluster(bool h100EndsFirstInList)
        {
            var cluster = ClusterBuilder.Cluster()
                .Node("n1", gpus: 1, model: "A100")
                .Node("n2", gpus: 1, model: "H100")
                .Team("a", nominalGpus: 8);
            cluster = h100EndsFirstInList
                ? cluster.Running(2, "a", "n2", [0], endsAt: Time.InHours(1)).Running(1, "a", "n1", [0], endsAt: Time.InHours(1))
                : cluster.Running(1, "a", "n1", [0], endsAt: Time.InHours(1)).Running(2, "a", "n2", [0], endsAt: Time.InHours(1));
            return cluster
                .Pending(3, "a", gpus: 1, walltime: TimeSpan.FromHours(1), priority: 5)
                .Pending(4, "a", gpus: 1, walltime: TimeSpan.FromHours(1), model: "H100")
                .Greedy();
        }

        var one = Cluster(h100EndsFirstInList: false).Plan();
        var other = Cluster(h100EndsFirstInList: true).Plan();

        one.ExplanationOf(4).EstimatedStart.Should().Be(Time.InHours(1));
        PlanText.Lines(other).Should().Equal(PlanText.Lines(one));
    }

    [Fact]
    public void When_not_every_job_must_be_explained_the_decisions_stay_the_same()
    {
        var cluster = Cluster()
            .Node("n1", gpus: 4)
            .Node("n2", gpus: 4)
            .Team("a", nominalGpus: 4, borrowGpus: 4)
            .Team("b", nominalGpus: 8)
            .Running(1, "b", "n1", [0, 1, 2], endsAt: Time.InHours(1))
            .Pending(2, "a", gpus: 2, priority: 5)
            .Pending(3, "b", gpus: 4, priority: 4)
            .Pending(4, "a", gpus: 2, walltime: TwoHours)
            .Pending(5, "a", gpus: 2)
            .Pending(6, "b", gpus: 1);

        var everything = cluster.Plan();
        var examined = cluster.Settings(explainAllPending: false).Plan();

        PlanText.Lines(examined with { Pending = [] }).Should().Equal(PlanText.Lines(everything with { Pending = [] }));
        examined.WaitingIds().Should().BeSubsetOf(everything.WaitingIds());
        examined.WaitingIds().Should().NotIntersectWith(examined.StartedIds());
    }

    [Fact]
    public void Jobs_of_a_team_at_its_quota_wait_in_merge_order_whether_or_not_every_job_is_explained()
    {
        // Team a holds its whole quota: a pass that does not explain every job keeps its waiting jobs as runs of its
        // queue, between team b's jobs; each must read as the job-by-job walk of an explaining pass records it.
        var cluster = Cluster()
            .Node("n1", gpus: 8)
            .Node("n2", gpus: 8)
            .Team("a", nominalGpus: 2, borrowGpus: 1)
            .Team("b", nominalGpus: 4, borrowGpus: 8)
            .Running(1, "a", "n1", [0, 1, 2], borrowing: true)
            .Usage("b", gpuSeconds: 50_000)
            .Pending(10, "a", gpus: 1, priority: 5, submittedAt: Time.Epoch.AddMinutes(1))
            .Pending(11, "a", gpus: 2, priority: 5, submittedAt: Time.Epoch.AddMinutes(2))
            .Pending(20, "b", gpus: 1, priority: 5, submittedAt: Time.Epoch.AddMinutes(3))
            .Pending(12, "a", gpus: 1, submittedAt: Time.Epoch.AddMinutes(4))
            .Pending(21, "b", gpus: 8, submittedAt: Time.Epoch.AddMinutes(5))
            .Pending(13, "a", gpus: 3, submittedAt: Time.Epoch.AddMinutes(6))
            .Pending(15, "a", gpus: 1, submittedAt: Time.Epoch.AddMinutes(6))
            .Pending(16, "a", gpus: 2, submittedAt: Time.Epoch.AddMinutes(7))
            .Pending(22, "b", gpus: 8, submittedAt: Time.Epoch.AddMinutes(7))
            .Pending(23, "b", gpus: 1, submittedAt: Time.Epoch.AddMinutes(8))
            .Pending(14, "a", gpus: 1, submittedAt: Time.Epoch.AddMinutes(9))
            .Settings(backfillDepth: 0);

        var explained = cluster.Plan();
        var decided = cluster.Settings(explainAllPending: false).Plan();

        string Line(PendingExplanation p) => $"{p.Job} {p.Reason.Cause} {p.Reason.JobsAhead} {p.Reason.TeamInUse} {p.Reason.TeamCeiling} {p.Reason.BlockingJob}";
        decided.Pending.Select(Line).Should().Equal(explained.Pending.Select(Line));
        decided.Pending.Count(p => p.Reason.Cause == PendingCause.TeamQuotaFull).Should().Be(8);
        for (var i = 0; i < decided.Pending.Length; i++)
        {
            decided.Pending.Find(decided.Pending[i].Job).Should().Be(decided.Pending[i]);
        }

        decided.Pending.Find(Jobs.Id(20)).Should().BeNull();
    }
}
