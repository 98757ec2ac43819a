using Dashboard.Scheduling.Model;
using Dashboard.Scheduling.Planning;
using Dashboard.Scheduling.Tests.Builders;
using static Dashboard.Scheduling.Tests.Builders.ClusterBuilder;

namespace Dashboard.Scheduling.Tests.Planning;

public sealed class WhatIfTests
{
    [Fact]
    public void A_job_that_fits_starts_now_on_the_best_fitting_node_with_exact_GPU_indices()
    {
        var snapshot = Cluster()
            .Node("n1", gpus: 8).Node("n2", gpus: 8)
            .Team("a", nominalGpus: 16)
            .Running(1, "a", "n1", [0, 1, 2, 3], endsAt: Time.InHours(1))
            .Build();

        var outcome = WhatIf.Evaluate(snapshot, Jobs.Spec("a", gpus: 2), Time.Now);

        outcome.Should().Be(new WhatIfOutcome.StartsNow("n1", [4, 5], Borrowing: false));
        outcome.Describe().Should().Be("Starts now on n1 (GPUs 4-5)");
    }

    [Fact]
    public void A_job_beyond_its_teams_nominal_quota_starts_borrowing()
    {
        var snapshot = Cluster()
            .Node("n1", gpus: 8)
            .Team("a", nominalGpus: 2, borrowGpus: 4)
            .Running(1, "a", "n1", [0, 1])
            .Build();

        var outcome = WhatIf.Evaluate(snapshot, Jobs.Spec("a", gpus: 2), Time.Now);

        outcome.Should().Be(new WhatIfOutcome.StartsNow("n1", [2, 3], Borrowing: true));
        outcome.Describe().Should().StartWith("Starts now on n1 (GPUs 2-3), borrowing");
    }

    [Fact]
    public void A_job_whose_team_quota_is_full_is_queued_until_the_teams_job_ends_and_says_so()
    {
        var snapshot = Cluster()
            .Node("n1", gpus: 8).Node("n2", gpus: 8)
            .Team("a", nominalGpus: 8)
            .Running(1, "a", "n1", [0, 1, 2, 3, 4, 5, 6, 7], endsAt: Time.InHours(2))
            .Build();

        var outcome = WhatIf.Evaluate(snapshot, Jobs.Spec("a", gpus: 1, walltime: TimeSpan.FromHours(1)), Time.Now);

        var queued = outcome.Should().BeOfType<WhatIfOutcome.Queued>().Subject;
        queued.EstimatedStart.Should().Be(Time.InHours(2));
        queued.JobsAhead.Should().Be(0);
        queued.Reason.Should().Be("needs 1 GPU; team a has 0 of its 8 GPUs free (8 in use)");
        queued.Describe().Should().Be("Queued: estimated start 2025-03-03 11:00 UTC (needs 1 GPU; team a has 0 of its 8 GPUs free (8 in use))");
    }

    [Fact]
    public void A_job_behind_others_counts_the_jobs_ahead_and_estimates_after_them()
    {
        var snapshot = Cluster()
            .Node("n1", gpus: 8)
            .Team("a", nominalGpus: 8).Team("b", nominalGpus: 8)
            .Running(1, "a", "n1", [0, 1, 2, 3, 4, 5, 6, 7], endsAt: Time.InHours(1))
            .Pending(2, "b", gpus: 8, walltime: TimeSpan.FromHours(1))
            .Pending(3, "b", gpus: 8, walltime: TimeSpan.FromHours(1))
            .Pending(4, "b", gpus: 8, walltime: TimeSpan.FromHours(1))
            .Build();

        var outcome = WhatIf.Evaluate(snapshot, Jobs.Spec("b", gpus: 8, walltime: TimeSpan.FromHours(1)), Time.Now);

        var queued = outcome.Should().BeOfType<WhatIfOutcome.Queued>().Subject;
        queued.JobsAhead.Should().Be(3);
        queued.EstimatedStart.Should().Be(Time.InHours(4));
        queued.Reason.Should().EndWith("; 3 jobs ahead");
    }

    [Fact]
    public void A_job_waiting_for_a_job_without_walltime_has_no_estimated_start()
    {
        var snapshot = Cluster()
            .Node("n1", gpus: 4)
            .Team("a", nominalGpus: 8)
            .Running(1, "a", "n1", [0, 1, 2, 3])
            .Build();

        var outcome = WhatIf.Evaluate(snapshot, Jobs.Spec("a", gpus: 2), Time.Now);

        var queued = outcome.Should().BeOfType<WhatIfOutcome.Queued>().Subject;
        queued.EstimatedStart.Should().BeNull();
        queued.Reason.Should().Be("needs 2 GPUs on one node; no node has that much free now; team a has 4 of its 8 GPUs free (4 in use)");
        queued.Describe().Should().StartWith("Queued: no estimated start");
    }

    [Fact]
    public void A_job_within_nominal_quota_on_a_cluster_others_borrow_waits_for_the_reclaim_and_starts_about_now()
    {
        var snapshot = Cluster().ReclaimAnything()
            .Node("n1", gpus: 8)
            .Team("a", nominalGpus: 4).Team("b", nominalGpus: 4, borrowGpus: 4)
            .Running(1, "b", "n1", [0, 1, 2, 3])
            .Running(2, "b", "n1", [4, 5, 6, 7], startedAt: Time.Epoch.AddMinutes(1), borrowing: true)
            .Build();

        var outcome = WhatIf.Evaluate(snapshot, Jobs.Spec("a", gpus: 2), Time.Now);

        outcome.Should().Be(new WhatIfOutcome.Queued(Time.Now, 0, "needs 2 GPUs on one node; borrowed capacity is being taken back (preempted) for it"));
    }

    [Theory]
    [InlineData(16, null, 0, "needs 16 GPUs; the largest node has 8")]
    [InlineData(4, "B200", 0, "needs B200 GPUs; no node has that model (available: A100, H100)")]
    [InlineData(8, "A100", 0, "needs 8 A100 GPUs; the largest node has 4")]
    [InlineData(1, null, 10, "priority 10 is above team a's maximum of 5")]
    public void A_job_that_can_never_fit_gets_the_engines_refusal(int gpus, string? model, int priority, string reason)
    {
        var snapshot = Cluster()
            .Node("n1", gpus: 8, model: "H100")
            .MixedNode("n2", ["A100", "A100", "A100", "A100", "H100"])
            .Team("a", nominalGpus: 16, borrowGpus: 8, maxPriority: 5)
            .Build();
        var spec = Jobs.Spec("a", gpus: gpus, model: model) with { Priority = priority };

        var outcome = WhatIf.Evaluate(snapshot, spec, Time.Now);

        outcome.Should().Be(new WhatIfOutcome.NeverFits(reason));
        outcome.Describe().Should().Be("Can never run: " + reason);
        NeverFits.Check(snapshot, spec).Should().Be(reason, "the what-if says what the engine's refusal says");
    }

    [Fact]
    public void More_than_the_team_may_ever_hold_can_never_run()
    {
        var snapshot = Cluster().Node("n1", gpus: 8).Team("a", nominalGpus: 2, borrowGpus: 2).Build();

        var outcome = WhatIf.Evaluate(snapshot, Jobs.Spec("a", gpus: 6), Time.Now);

        outcome.Should().Be(new WhatIfOutcome.NeverFits("needs 6 GPUs; team a may hold at most 4 (nominal 2 + borrowing 2)"));
    }

    [Fact]
    public void A_team_without_quota_can_never_run()
    {
        var snapshot = Cluster().Node("n1", gpus: 8).Team("a", nominalGpus: 2).Build();

        WhatIf.Evaluate(snapshot, Jobs.Spec("ghost"), Time.Now).Should().BeOfType<WhatIfOutcome.NeverFits>()
            .Which.Reason.Should().Be("team ghost has no quota; ask an admin to add one");
    }

    [Fact]
    public void A_GPU_model_is_placed_only_on_GPUs_of_that_model()
    {
        var snapshot = Cluster()
            .Node("a100-node", gpus: 8, model: "A100")
            .Node("h100-node", gpus: 8, model: "H100")
            .Team("a", nominalGpus: 16)
            .Running(1, "a", "a100-node", [0, 1, 2, 3, 4, 5])
            .Build();

        WhatIf.Evaluate(snapshot, Jobs.Spec("a", gpus: 2, model: "h100"), Time.Now)
            .Should().Be(new WhatIfOutcome.StartsNow("h100-node", [0, 1], Borrowing: false));
        WhatIf.Evaluate(snapshot, Jobs.Spec("a", gpus: 2), Time.Now)
            .Should().Be(new WhatIfOutcome.StartsNow("a100-node", [6, 7], Borrowing: false), "without a model the best fit is the fuller node");
    }

    [Fact]
    public void The_snapshot_is_left_as_it_was()
    {
        var snapshot = Cluster().Node("n1", gpus: 8).Team("a", nominalGpus: 8).Pending(1, "a").Build();

        WhatIf.Evaluate(snapshot, Jobs.Spec("a"), Time.Now);

        snapshot.Pending.Count.Should().Be(1);
        snapshot.Running.Should().BeEmpty();
    }

    [Fact]
    public void A_pass_that_would_not_explain_every_job_still_explains_the_hypothetical_one()
    {
        var snapshot = Cluster()
            .Node("n1", gpus: 2)
            .Team("a", nominalGpus: 8)
            .Running(1, "a", "n1", [0, 1])
            .Pending(2, "a", gpus: 2).Pending(3, "a", gpus: 2)
            .Settings(backfillDepth: 0, explainAllPending: false)
            .Build();

        WhatIf.Evaluate(snapshot, Jobs.Spec("a", gpus: 2), Time.Now).Should().BeOfType<WhatIfOutcome.Queued>()
            .Which.JobsAhead.Should().Be(2);
    }

    [Fact]
    public void The_hypothetical_id_is_above_every_running_and_pending_job()
    {
        var snapshot = Cluster().Node("n1", gpus: 8).Team("a", nominalGpus: 8).Running(41, "a", "n1", [0]).Pending(7, "a").Build();

        WhatIf.NextId(snapshot).Should().Be(new JobId(42));
        WhatIf.NextId(ClusterSnapshot.Empty).Should().Be(new JobId(1));
    }

    [Fact]
    public void An_invalid_spec_is_refused_with_its_validation_messages()
    {
        var snapshot = Cluster().Node("n1", gpus: 8).Team("a", nominalGpus: 8).Build();

        var evaluate = () => WhatIf.Evaluate(snapshot, Jobs.Spec("a", gpus: -1), Time.Now);

        evaluate.Should().Throw<ArgumentException>().WithMessage("*gpus: GPUs must be between 0 and 64*");
    }
}
