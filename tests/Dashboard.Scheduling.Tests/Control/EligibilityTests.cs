using System.Collections.Immutable;
using Dashboard.Scheduling.Control;
using Dashboard.Scheduling.Model;
using Dashboard.Scheduling.Planning;
using Dashboard.Scheduling.Tests.Builders;
using static Dashboard.Scheduling.Tests.Builders.ClusterBuilder;

namespace Dashboard.Scheduling.Tests.Control;

public sealed class EligibilityTests
{
    private static ClusterSnapshot TwoWaiting() => Cluster().Node("n1", gpus: 8).Team("a", nominalGpus: 8).Pending(1, "a").Pending(2, "a").Build();

    [Fact]
    public void Without_controls_the_snapshot_is_handed_on_as_it_is()
    {
        var snapshot = TwoWaiting();

        var split = Eligibility.Split(snapshot);

        split.Eligible.Should().BeSameAs(snapshot);
        split.Waiting.Should().BeEmpty();
    }

    [Fact]
    public void A_held_job_is_kept_from_the_scheduler_and_says_who_held_it()
    {
        var snapshot = TwoWaiting() with { Controls = JobControls.Empty.Hold(Jobs.Id(1), new JobHold("root", HoldAuthority.Admin)) };

        var split = Eligibility.Split(snapshot);
        var plan = Scheduler.Plan(split.Eligible, Time.Now);

        plan.Starts.Select(s => s.Job.Id).Should().Equal(Jobs.Id(2));
        split.Waiting.Should().ContainSingle().Which.Reason.Should().Be("held by admin root; only an admin can release it");
        EligibilitySplit.Explain(split.Waiting[0]).Reason.Describe().Should().Be("held by admin root; only an admin can release it");
    }

    [Theory]
    [InlineData(DependencyRule.AfterOk, "waits for job 1 to succeed")]
    [InlineData(DependencyRule.AfterAny, "waits for job 1 to end")]
    [InlineData(DependencyRule.AfterNotOk, "waits for job 1 to fail")]
    public void A_job_waits_for_its_dependency_and_says_which(DependencyRule rule, string reason)
    {
        var snapshot = TwoWaiting() with { Controls = JobControls.Empty.Depend(Jobs.Id(2), [new DependencyTerm(Jobs.Id(1), rule)]) };

        var split = Eligibility.Split(snapshot);

        split.Waiting.Should().ContainSingle().Which.Should().Be(new IneligibleJob(snapshot.Pending.Find(Jobs.Id(2))!, reason));
        Scheduler.Plan(split.Eligible, Time.Now).Starts.Select(s => s.Job.Id).Should().Equal(Jobs.Id(1));
    }

    [Theory]
    [InlineData(DependencyRule.AfterOk, JobState.Succeeded, true)]
    [InlineData(DependencyRule.AfterOk, JobState.Failed, false)]
    [InlineData(DependencyRule.AfterAny, JobState.Failed, true)]
    [InlineData(DependencyRule.AfterAny, JobState.Cancelled, true)]
    [InlineData(DependencyRule.AfterNotOk, JobState.TimedOut, true)]
    [InlineData(DependencyRule.AfterNotOk, JobState.Succeeded, false)]
    public void An_ended_dependency_either_frees_the_job_or_ends_it_with_the_reason(DependencyRule rule, JobState ended, bool frees)
    {
        var snapshot = Cluster().Node("n1", gpus: 8).Team("a", nominalGpus: 8).Pending(2, "a").Build();
        var controls = JobControls.Empty.Depend(Jobs.Id(2), [new DependencyTerm(Jobs.Id(1), rule)]).Ended(Jobs.Id(1), ended, out _);

        var split = Eligibility.Split(snapshot with { Controls = controls });

        if (frees)
        {
            split.Eligible.Pending.Find(Jobs.Id(2)).Should().NotBeNull();
            split.NeverEligible.Should().BeEmpty();
        }
        else
        {
            split.Eligible.Pending.Count.Should().Be(0);
            split.NeverEligible.Should().ContainSingle().Which.Reason.Should().StartWith($"dependency never met: job 1 ended {ended}");
        }
    }

    [Fact]
    public void A_sweep_at_its_limit_lets_no_more_of_its_jobs_through_and_says_so()
    {
        var builder = Cluster().Node("n1", gpus: 8).Team("a", nominalGpus: 8).Running(10, "a", "n1", [0]);
        for (var id = 11; id <= 14; id++)
        {
            builder.Pending(id, "a");
        }

        var controls = JobControls.Empty.StartSweep(new SweepTally(7, "lr", "alice", "a", 5, MaxRunning: 2));
        for (var id = 10; id <= 14; id++)
        {
            controls = controls.Join(Jobs.Id(id), new SweepMember(7, id - 10));
        }

        var split = Eligibility.Split(builder.Build() with { Controls = controls });

        split.Eligible.Pending.AllJobs.Select(j => j.Id).Should().Equal(Jobs.Id(11));
        split.Waiting.Select(w => w.Reason).Should().AllBe("sweep 7 at its limit of 2 running").And.HaveCount(3);
    }

    [Fact]
    public void Dependency_terms_read_as_written_and_bad_ones_are_refused_with_the_reason()
    {
        DependencyTerm.ParseList("41:ok, 42:any,43:notok,44,afterok:45", out var error).Should().Equal(
            new DependencyTerm(Jobs.Id(41), DependencyRule.AfterOk),
            new DependencyTerm(Jobs.Id(42), DependencyRule.AfterAny),
            new DependencyTerm(Jobs.Id(43), DependencyRule.AfterNotOk),
            new DependencyTerm(Jobs.Id(44), DependencyRule.AfterOk),
            new DependencyTerm(Jobs.Id(45), DependencyRule.AfterOk));
        error.Should().BeNull();

        DependencyTerm.ParseList("41:maybe", out error).Should().BeEmpty();
        error.Should().Contain("not a dependency rule");
        DependencyTerm.ParseList("x:ok", out error).Should().BeEmpty();
        error.Should().Contain("does not name a job");
        DependencyTerm.ParseList("41:ok,41:any", out error).Should().BeEmpty();
        error.Should().Be("job 41 is named twice");
        DependencyTerm.Format(ImmutableArray.Create(new DependencyTerm(Jobs.Id(1), DependencyRule.AfterNotOk))).Should().Be("1:notok");
    }
}
