using Dashboard.Scheduling.Model;
using Dashboard.Scheduling.Planning;
using Dashboard.Scheduling.Tests.Builders;
using Dashboard.Scheduling.Tests.Reservations;
using static Dashboard.Scheduling.Tests.Builders.ClusterBuilder;

namespace Dashboard.Scheduling.Tests.Planning;

/// <summary>
/// Named cases of the what-if's one-job pass (issue 19), each against the answer read from a full plan. The first two
/// pin why the pass may not stop once the asked job is decided: jobs ranked after it still change its answer.
/// </summary>
public sealed class WhatIfOneJobPassTests
{
    [Fact]
    public void A_job_ranked_after_the_asked_one_that_backfills_counts_in_the_asked_jobs_quota_figures()
    {
        // The asked job (priority 5) ranks first and reserves n1 for 2 h from now; job 2 of the same team, ranked
        // after it, ends before that reservation and starts now: the team's GPUs in use are 8, not 6, when the
        // asked job's reason is written, so the reason names the full quota (a pass stopped at the asked job would
        // say "no node has that much free now; team a has 2 of its 8 GPUs free").
        var snapshot = Cluster()
            .Node("n1", gpus: 8)
            .Team("a", nominalGpus: 8)
            .Running(1, "a", "n1", [0, 1, 2, 3, 4, 5], endsAt: Time.InHours(2))
            .Pending(2, "a", gpus: 2, walltime: TimeSpan.FromHours(1))
            .Build();
        var asked = Jobs.Spec("a", gpus: 4, walltime: TimeSpan.FromHours(1), priority: 5);

        var outcome = WhatIf.Evaluate(snapshot, asked, Time.Now);

        outcome.Should().Be(WhatIf.EvaluateByFullPlan(snapshot, asked, Time.Now));
        outcome.Should().Be(new WhatIfOutcome.Queued(Time.InHours(2), 0, "needs 4 GPUs; team a has 0 of its 8 GPUs free (8 in use)"));
    }

    [Fact]
    public void A_job_waiting_for_its_teams_quota_is_estimated_after_a_later_ranked_job_takes_the_node_it_needs()
    {
        // The asked job waits for team a's quota until job 1 ends at 2 h; meanwhile job 3 of team b, ranked after it,
        // takes n1 (the only H100 node) at 1 h until 4 h. The simulation must run past the asked job's position to
        // see it: stopping there would estimate 2 h.
        var snapshot = Cluster()
            .Node("n1", gpus: 8, model: "H100")
            .Node("n2", gpus: 4, model: "A100")
            .Team("a", nominalGpus: 4).Team("b", nominalGpus: 8)
            .Running(1, "a", "n2", [0, 1, 2, 3], endsAt: Time.InHours(2))
            .Running(2, "b", "n1", [0, 1, 2, 3, 4, 5, 6, 7], endsAt: Time.InHours(1))
            .Pending(3, "b", gpus: 8, walltime: TimeSpan.FromHours(3))
            .Build();
        var asked = Jobs.Spec("a", gpus: 4, walltime: TimeSpan.FromHours(1), priority: 5, model: "H100");

        var outcome = WhatIf.Evaluate(snapshot, asked, Time.Now);

        outcome.Should().Be(WhatIf.EvaluateByFullPlan(snapshot, asked, Time.Now));
        var queued = outcome.Should().BeOfType<WhatIfOutcome.Queued>().Subject;
        queued.EstimatedStart.Should().Be(Time.InHours(4));
        queued.JobsAhead.Should().Be(0);
        queued.Reason.Should().Be("needs 4 GPUs; team a has 0 of its 4 GPUs free (4 in use)");
    }

    [Fact]
    public void A_member_of_a_booking_whose_window_has_not_opened_gets_the_gates_answer()
    {
        var snapshot = Cluster()
            .Node("n1", gpus: 8)
            .Team("a", nominalGpus: 8)
            .Build()
            .With(Bookings.Reservation(1, team: "a", gpus: 4, fromHours: 2, toHours: 6));
        var asked = Jobs.Spec("a", gpus: 2, walltime: TimeSpan.FromHours(1)) with { Reservation = 1 };

        var outcome = WhatIf.Evaluate(snapshot, asked, Time.Now);

        outcome.Should().Be(WhatIf.EvaluateByFullPlan(snapshot, asked, Time.Now));
        var queued = outcome.Should().BeOfType<WhatIfOutcome.Queued>().Subject;
        queued.EstimatedStart.Should().BeNull();
        queued.Reason.Should().Contain("paper deadline");
    }

    [Fact]
    public void A_job_that_fits_beside_an_open_booking_starts_as_the_full_plan_starts_it()
    {
        var snapshot = Cluster()
            .Node("n1", gpus: 8)
            .Team("a", nominalGpus: 8).Team("b", nominalGpus: 8)
            .Build()
            .With(Bookings.Reservation(1, team: "b", gpus: 4, fromHours: -1, toHours: 3));
        var asked = Jobs.Spec("a", gpus: 4, walltime: TimeSpan.FromHours(1));

        var outcome = WhatIf.Evaluate(snapshot, asked, Time.Now);

        outcome.Should().Be(WhatIf.EvaluateByFullPlan(snapshot, asked, Time.Now));
        outcome.Should().BeOfType<WhatIfOutcome.StartsNow>().Which.GpuIndices.Should().HaveCount(4);
    }
}
