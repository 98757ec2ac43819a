using System.Collections.Immutable;
using Dashboard.Data.Users;
using Dashboard.Engine.Feed;
using Dashboard.Scheduling.Model;
using Dashboard.Scheduling.Planning;
using Dashboard.Scheduling.Reservations;
using Dashboard.Web.Identity;
using Dashboard.Web.Timeline;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Dashboard.Web.Components.Tests.Timeline;

/// <summary>
/// Backfilled jobs marked, reservations in the aggregated (1,000-node) view, and the Submit form's what-if drawn on
/// a timeline: the pure view models, then the page and the component.
/// </summary>
public sealed class TimelineMarksTests : ComponentTest
{
    private static readonly SignedInUser Alice = new("alice", UserRole.Member, ["vision"]);

    public TimelineMarksTests()
        : base(services => services.AddSingleton<TimeProvider>(new FakeTimeProvider(TestCluster.Now)))
    {
    }

    /// <summary>
    /// Job 1 (8 GPUs, ranked first) waits until +5 h; job 2 (1 GPU, one job ahead) is estimated at +1 h for an hour,
    /// so it backfills before job 1; job 3 (two ahead) starts at +6 h, after both, and is not backfilled.
    /// </summary>
    private static ClusterUpdate Backfill()
    {
        var update = new TestCluster().Team("vision").Node("gpu-01", gpus: 8)
            .Waiting("vision", gpus: 8, TestCluster.Now.AddHours(5), node: "gpu-01", owner: "alice", walltime: TimeSpan.FromHours(2), name: "big")
            .Waiting("vision", gpus: 1, TestCluster.Now.AddHours(1), node: "gpu-01", owner: "alice", walltime: TimeSpan.FromHours(1), name: "small")
            .Waiting("vision", gpus: 1, TestCluster.Now.AddHours(7), node: "gpu-01", owner: "alice", walltime: TimeSpan.FromHours(1), name: "late")
            .Update();
        return update with { Explanations = Ranked(Ranked(update.Explanations.ToImmutableDictionary(), 2, 1), 3, 2) };
    }

    private static ImmutableDictionary<JobId, PendingExplanation> Ranked(ImmutableDictionary<JobId, PendingExplanation> explanations, long job, int ahead)
    {
        var id = new JobId(job);
        return explanations.SetItem(id, explanations[id] with { Reason = explanations[id].Reason with { JobsAhead = ahead } });
    }

    private static ClusterUpdate WithBooking(ClusterUpdate update, int gpus, double fromHours, double toHours)
    {
        var model = update.Snapshot.Nodes[0].Gpus[0].Model;
        var booking = new AdvanceReservation(1, "demo day", "live demo", "vision", model, gpus, 0, 0, TestCluster.Now.AddHours(fromHours), TestCluster.Now.AddHours(toHours));
        return update with { Snapshot = update.Snapshot with { Reservations = [booking] } };
    }

    [Fact]
    public void A_job_estimated_to_start_before_a_job_ranked_ahead_of_it_is_marked_backfilled_and_the_others_are_not()
    {
        var bars = TimelineView.Of(Backfill(), TimeSpan.FromHours(24), Alice).Rows.Single().Bars;

        bars.Where(b => b.Backfilled).Select(b => b.Job!.Value.Value).Should().Equal(2L);
        var small = bars.Single(b => b.Job == new JobId(2));
        small.Label.Should().Be("small (alice) · backfilled");
        small.Description.Should().EndWith(TimelineView.BackfilledNote);
        bars.Single(b => b.Job == new JobId(1)).Label.Should().Be("big (alice)");
        bars.Single(b => b.Job == new JobId(3)).Label.Should().Be("late (alice)");
    }

    [Fact]
    public void Jobs_ranked_alike_do_not_backfill_each_other_and_quota_bound_jobs_rank_no_one()
    {
        var update = Backfill();
        var even = update.Explanations.ToImmutableDictionary(e => e.Key, e => e.Value with { Reason = e.Value.Reason with { JobsAhead = 0 } });
        var quota = update.Explanations.ToImmutableDictionary().SetItem(new JobId(1), update.Explanations[new JobId(1)] with { Reason = update.Explanations[new JobId(1)].Reason with { Cause = PendingCause.TeamQuotaFull } });

        TimelineBackfill.Of(even).Should().BeEmpty();
        TimelineBackfill.Of(quota).Should().BeEmpty("job 2 passes a job that waits for its team's quota, not for capacity");
        TimelineBackfill.Of(update.Explanations).Should().Equal(new JobId(2));
    }

    [Fact]
    public void The_page_marks_a_backfilled_bar_with_a_class_and_says_it_in_its_label_and_accessible_name()
    {
        Feed.Publish(Backfill());

        var page = Render<TimelinePage>();

        var marked = page.FindAll(".timeline-bar.backfilled").Should().ContainSingle().Subject;
        marked.GetAttribute("data-job").Should().Be("2");
        marked.TextContent.Should().Contain("backfilled");
        marked.GetAttribute("aria-label").Should().Contain("backfilled");
        page.Find("#timeline-key").TextContent.Should().Contain("backfilled");
    }

    [Fact]
    public void The_aggregated_view_counts_the_gpus_a_reservation_keeps_in_each_slice_of_its_window()
    {
        var update = WithBooking(new TestCluster().Team("vision").Nodes(TimelineView.AggregateAbove + 1, gpus: 8).Update(), gpus: 12, fromHours: 6, toHours: 12);

        var view = TimelineView.Of(update, TimeSpan.FromHours(24), Alice);

        view.Aggregated.Should().BeTrue();
        var cells = view.Groups.Single().Cells;
        cells.Select(c => c.ReservedGpus).Should().Equal([.. Enumerable.Range(0, TimelineView.Slices).Select(i => i >= 12 && i < 24 ? 12 : 0)],
            "24 h in 48 half-hour slices: the window covers slices 12 to 23");
        cells[12].Description.Should().EndWith(", 12 kept for advance reservations");
        cells[0].Description.Should().NotContain("reservation");
    }

    [Fact]
    public void The_aggregated_page_draws_the_reserved_slices()
    {
        Feed.Publish(WithBooking(new TestCluster().Team("vision").Nodes(TimelineView.AggregateAbove + 1, gpus: 8).Update(), gpus: 12, fromHours: 6, toHours: 12));

        var page = Render<TimelinePage>();

        page.FindAll(".timeline-group .timeline-cell-reserved").Select(c => c.GetAttribute("data-reserved")).Should().HaveCount(12).And.OnlyContain(r => r == "12");
    }

    [Fact]
    public void A_job_that_starts_now_is_drawn_on_its_gpus_against_the_nodes_lanes_with_what_runs_and_is_reserved_there()
    {
        var update = WithBooking(new TestCluster().Team("vision").Node("gpu-01", gpus: 4).Node("gpu-02", gpus: 4)
            .Run("gpu-01", [0, 1], "vision", owner: "alice", walltime: TimeSpan.FromHours(3), name: "resnet").Update(), gpus: 2, fromHours: 5, toHours: 8);

        var view = WhatIfTimelineView.Of(update, new WhatIfOutcome.StartsNow("gpu-01", [2, 3], false), TimeSpan.FromHours(2), TestCluster.Now, Alice)!;

        view.Span.Name.Should().Be("6h");
        view.Node!.Node.Should().Be("gpu-01");
        view.Node.Bars.Select(b => b.Kind).Should().BeEquivalentTo([TimelineBarKind.Reserved, TimelineBarKind.Running]);
        (view.Job.FirstLane, view.Job.LaneCount).Should().Be((2, 2));
        (view.Job.Left, view.Job.Width).Should().Be((0.0, 2.0 / 6 * 100));
        view.Job.Label.Should().Be(WhatIfTimelineView.JobLabel);
        view.Caption.Should().Be("It would start now on gpu-01 (GPUs 2-3) until Sat 16:00 UTC (its walltime).");
    }

    [Fact]
    public void A_job_that_would_wait_is_drawn_at_its_estimated_start_in_a_window_long_enough_and_nothing_is_drawn_without_one()
    {
        var update = new TestCluster().Node("gpu-01", gpus: 4).Update();

        var view = WhatIfTimelineView.Of(update, new WhatIfOutcome.Queued(TestCluster.Now.AddHours(30), 2, "needs 8 GPUs"), null, TestCluster.Now, Alice)!;

        view.Span.Name.Should().Be("3d");
        view.Node.Should().BeNull();
        view.Job.Left.Should().BeApproximately(30.0 / 72 * 100, 1e-9);
        view.Job.Width.Should().BeApproximately(100 - (30.0 / 72 * 100), 1e-9, "no walltime: it runs to the window's edge");
        view.Caption.Should().Be("It would wait: estimated to start at Sun 20:00 UTC, with no walltime: no expected end; the node is chosen when it starts.");
        WhatIfTimelineView.Of(update, new WhatIfOutcome.Queued(null, 2, "waits"), null, TestCluster.Now, Alice).Should().BeNull();
        WhatIfTimelineView.Of(update, new WhatIfOutcome.NeverFits("needs 16 GPUs"), null, TestCluster.Now, Alice).Should().BeNull();
        WhatIfTimelineView.Of(null, new WhatIfOutcome.StartsNow("gpu-01", [0], false), null, TestCluster.Now, Alice).Should().BeNull();
    }

    [Fact]
    public void The_component_draws_the_job_bar_over_the_nodes_bars()
    {
        Feed.Publish(new TestCluster().Team("vision").Node("gpu-01", gpus: 4).Run("gpu-01", [0], "vision", owner: "alice", walltime: TimeSpan.FromHours(3), name: "resnet").Update());

        var component = Render<WhatIfTimeline>(p => p.Add(c => c.Answer, new WhatIfOutcome.StartsNow("gpu-01", [1, 2], false)).Add(c => c.Walltime, TimeSpan.FromHours(1)));

        component.Find("#what-if-timeline .timeline-row[data-node='gpu-01']").Should().NotBeNull();
        component.Find("[data-kind='Running']").TextContent.Should().Be("resnet (alice)");
        var job = component.Find("[data-kind='what-if']");
        (job.GetAttribute("data-first-lane"), job.GetAttribute("data-lanes")).Should().Be(("1", "2"));
        job.GetAttribute("aria-label").Should().Be("It would start now on gpu-01 (GPUs 1-2) until Sat 15:00 UTC (its walltime).");
        Render<WhatIfTimeline>(p => p.Add(c => c.Answer, null)).Markup.Trim().Should().BeEmpty();
    }
}
