using Dashboard.Scheduling.Model;
using Dashboard.Scheduling.Reservations;
using Dashboard.Scheduling.Tests.Builders;
using static Dashboard.Scheduling.Tests.Builders.ClusterBuilder;
using static Dashboard.Scheduling.Tests.Reservations.Bookings;

namespace Dashboard.Scheduling.Tests.Reservations;

public sealed class BookingCheckTests
{
    private static readonly BookingLimits Limits = BookingLimits.Default with { MaxAhead = TimeSpan.FromDays(14), MaxLength = TimeSpan.FromDays(2), MaxGpus = 16 };

    private static ClusterSnapshot TwoNodes() =>
        Cluster().Node("n1", gpus: 8).Node("n2", gpus: 8).Team("a", nominalGpus: 8).Team("b", nominalGpus: 8).Build();

    private static BookingVerdict Check(AdvanceReservation proposed, ClusterSnapshot? snapshot = null, BookingLimits? limits = null, bool byAdmin = false) =>
        BookingCheck.Check(proposed, snapshot ?? TwoNodes(), limits ?? Limits, Time.Now, byAdmin);

    [Fact]
    public void A_booking_within_the_teams_quota_on_a_free_cluster_is_accepted_and_kept_on_one_node()
    {
        var verdict = Check(Reservation(0, gpus: 8));

        verdict.Accepted.Should().BeTrue();
        verdict.Pins.Should().ContainSingle().Which.Should().Be(new ReservationPin(0, "n1", 8, Cpu(8), 64L * Units.MiBPerGiB));
        verdict.NeedsApproval.Should().BeFalse();
    }

    [Fact]
    public void More_gpus_of_the_model_than_the_cluster_has_can_never_be_honoured()
    {
        var verdict = Check(Reservation(0, gpus: 4, model: "A100"), byAdmin: true);

        verdict.Problems.Should().ContainSingle().Which.Message.Should().Be("The cluster has 0 A100 GPUs in service; a booking of 4 can never be honoured.");
    }

    [Fact]
    public void Beyond_the_nominal_quota_plus_the_admins_allowance_is_refused_and_the_allowance_admits_more()
    {
        var snapshot = Cluster().Node("n1", gpus: 8).Node("n2", gpus: 8).Team("a", nominalGpus: 4).Build();

        Check(Reservation(0, gpus: 8), snapshot).Problems.Should().ContainSingle().Which.Message
            .Should().Be("Team a's nominal quota is 4 GPUs and an admin allows 0 more for reservations; a booking of 8 can never be honoured.");
        Check(Reservation(0, gpus: 8), snapshot, Limits with { AllowanceGpus = 4 }).Accepted.Should().BeTrue();
    }

    [Fact]
    public void A_booking_that_overlaps_others_beyond_the_models_gpus_is_refused_naming_them()
    {
        var snapshot = TwoNodes().With(Reservation(3, team: "b", gpus: 8, fromHours: 1, toHours: 4, name: "demo"), Reservation(4, team: "b", gpus: 4, fromHours: 3, toHours: 5, name: "eval"));

        var verdict = Check(Reservation(0, gpus: 8, fromHours: 2, toHours: 6), snapshot);

        verdict.Accepted.Should().BeFalse();
        verdict.Conflicts.Select(c => c.Id).Should().BeEquivalentTo([3L, 4L]);
        verdict.Problems.Single().Message.Should().Contain("reservation 3 \"demo\" (team b, 8 H100 GPUs)").And.Contain("reservation 4 \"eval\"");
    }

    [Fact]
    public void Bookings_that_fit_beside_each_other_or_do_not_overlap_are_accepted()
    {
        var snapshot = TwoNodes().With(Reservation(3, team: "b", gpus: 8, fromHours: 2, toHours: 6), Reservation(4, team: "b", gpus: 12, fromHours: 6, toHours: 9));

        var verdict = Check(Reservation(0, gpus: 8, fromHours: 2, toHours: 7), snapshot);

        verdict.Conflicts.Select(c => c.Id).Should().Equal([4L], "hours 6-7 overlap reservation 4, which takes 12 of the 16 GPUs then");
        Check(Reservation(0, gpus: 8, fromHours: 2, toHours: 6), snapshot).Accepted.Should().BeTrue();
        Check(Reservation(0, gpus: 8, fromHours: 2, toHours: 6), snapshot).Pins.Single().Node.Should().Be("n2");
    }

    [Fact]
    public void A_cancelled_reservation_conflicts_with_nothing()
    {
        var snapshot = TwoNodes().With(Reservation(3, team: "b", gpus: 16, state: ReservationState.Cancelled));

        Check(Reservation(0, gpus: 8), snapshot).Accepted.Should().BeTrue();
    }

    [Fact]
    public void A_recurring_booking_conflicts_with_a_booking_on_a_later_occurrence()
    {
        // Daily 11:00-15:00 from today; the other booking takes every GPU tomorrow 12:00-13:00.
        var snapshot = TwoNodes().With(Reservation(3, team: "b", gpus: 16, fromHours: 27, toHours: 28, name: "tomorrow"));

        var verdict = Check(Reservation(0, gpus: 8, fromHours: 2, toHours: 6, recurrence: "0 11 * * *"), snapshot, Limits with { MaxGpus = 16 });

        verdict.Conflicts.Should().ContainSingle().Which.Id.Should().Be(3);
    }

    [Fact]
    public void The_admins_limits_bind_team_leads_but_not_admins()
    {
        var tooFar = Reservation(0, gpus: 8, fromHours: 24 * 20, toHours: 24 * 20 + 4);
        var tooLong = Reservation(0, gpus: 8, fromHours: 2, toHours: 2 + 72);
        var tooLarge = Reservation(0, gpus: 8);
        var small = Limits with { MaxGpus = 4 };

        Check(tooFar).Problems.Single().Message.Should().Be("Teams may book at most 14 days ahead; this window starts in 20 days.");
        Check(tooLong).Problems.Single().Message.Should().Be("A window may last at most 2 days; this one lasts 3 days.");
        Check(tooLarge, limits: small).Problems.Single().Message.Should().Be("A team may book at most 4 GPUs at once; this booking asks for 8.");
        Check(tooFar, byAdmin: true).Accepted.Should().BeTrue();
        Check(tooLong, byAdmin: true).Accepted.Should().BeTrue();
        Check(tooLarge, limits: small, byAdmin: true).Accepted.Should().BeTrue();
    }

    [Fact]
    public void A_booking_that_needs_running_jobs_to_end_says_which_and_whether_their_walltimes_end_in_time()
    {
        var snapshot = Cluster().Node("n1", gpus: 8).Team("a", nominalGpus: 8).Team("b", nominalGpus: 8)
            .Running(10, "b", "n1", [0, 1], endsAt: Time.InHours(1))
            .Running(11, "b", "n1", [2], endsAt: Time.InHours(5))
            .Running(12, "b", "n1", [3])
            .Build();

        var verdict = Check(Reservation(0, gpus: 8, fromHours: 2, toHours: 6), snapshot);

        verdict.Accepted.Should().BeTrue();
        verdict.JobsInTheWay.Select(j => (j.Job.Value, j.EndsInTime)).Should().Equal((10L, true), (11L, false), (12L, false));
        verdict.JobsInTheWay[0].Describe().Should().Be("job 10 (team b) holds 2 GPUs on n1 and its walltime ends at 2025-03-03 10:00 UTC, in time");
        verdict.JobsInTheWay[1].Describe().Should().Contain("after the window opens: it is preempted then if it still runs");
        verdict.JobsInTheWay[2].Describe().Should().Contain("has no walltime");
    }

    [Fact]
    public void Running_jobs_that_leave_enough_gpus_free_are_not_in_the_way()
    {
        var snapshot = Cluster().Node("n1", gpus: 8).Team("a", nominalGpus: 8).Running(10, "b", "n1", [0, 1]).Build();

        Check(Reservation(0, gpus: 6), snapshot).JobsInTheWay.Should().BeEmpty();
    }

    [Fact]
    public void Approval_is_needed_when_the_admin_requires_it_unless_an_admin_books()
    {
        var strict = Limits with { RequireApproval = true };

        Check(Reservation(0), limits: strict).NeedsApproval.Should().BeTrue();
        Check(Reservation(0), limits: strict, byAdmin: true).NeedsApproval.Should().BeFalse();
    }

    [Fact]
    public void Bad_fields_get_clear_errors_and_nothing_else_is_checked()
    {
        var bad = Reservation(0, gpus: 0, fromHours: -1, toHours: -2, recurrence: "every day") with { Name = "demo\u0007", Reason = " " };

        var fields = Check(bad).Problems.Select(p => p.Field).ToList();

        fields.Should().BeEquivalentTo(["name", "reason", "gpus", "end", "start", "end", "recurrence"]);
    }

    [Fact]
    public void An_edit_may_keep_a_start_that_has_passed()
    {
        var started = Reservation(7, fromHours: -1, toHours: 3);
        var snapshot = TwoNodes().With(started);

        Check(started with { End = Time.InHours(4) }, snapshot).Accepted.Should().BeTrue();
        Check(started with { Start = Time.InHours(-2) }, snapshot).Problems.Single().Message.Should().Be("The window cannot start in the past.");
    }
}
