using Dashboard.Scheduling.Model;
using Dashboard.Scheduling.Planning;
using Dashboard.Scheduling.Tests.Builders;
using static Dashboard.Scheduling.Tests.Builders.ClusterBuilder;

namespace Dashboard.Scheduling.Tests.Planning;

/// <summary>Issue 20: estimated starts use the owner's run-time history (mean of the last two runs, capped by the walltime).</summary>
public sealed class RunTimePredictionTests
{
    [Fact]
    public void The_prediction_is_the_mean_of_the_owners_last_two_runs_capped_by_the_walltime()
    {
        var history = RunTimePredictions.Empty;
        history = RunTimePredictions.Record(history, "alice", TimeSpan.FromMinutes(10));
        RunTimePredictions.Expected(history, "alice", TimeSpan.FromHours(5)).Should().Be(TimeSpan.FromMinutes(10));

        history = RunTimePredictions.Record(history, "alice", TimeSpan.FromMinutes(30));
        history = RunTimePredictions.Record(history, "alice", TimeSpan.FromMinutes(50));

        RunTimePredictions.Expected(history, "alice", TimeSpan.FromHours(5)).Should().Be(TimeSpan.FromMinutes(40));
        RunTimePredictions.Expected(history, "alice", TimeSpan.FromMinutes(20)).Should().Be(TimeSpan.FromMinutes(20));
        RunTimePredictions.Expected(history, "bob", TimeSpan.FromHours(5)).Should().Be(TimeSpan.FromHours(5), "no history: the walltime");
        RunTimePredictions.Expected(history, "alice", null).Should().BeNull("no walltime: nothing to cap by");
    }

    [Fact]
    public void Ending_a_job_records_its_run_time_for_its_owner()
    {
        var snapshot = Cluster().Node("n1", gpus: 1).Team("a", nominalGpus: 1)
            .Running(1, "a", "n1", [0], startedAt: Time.Now.AddMinutes(-25), endsAt: Time.Now.AddHours(5))
            .Build();

        var ended = ClusterTransitions.Release(snapshot, Jobs.Id(1), Time.Now);

        ended.RunTimes["alice"].Should().Be(new OwnerRunTimes(TimeSpan.FromMinutes(25), null));
    }

    [Fact]
    public void A_waiting_jobs_estimate_expects_the_running_job_to_end_as_its_owner_usually_does_but_reservations_keep_the_walltime()
    {
        var busy = Cluster().Node("n1", gpus: 1).Team("a", nominalGpus: 2)
            .Running(1, "a", "n1", [0], startedAt: Time.Now.AddMinutes(-5), endsAt: Time.Now.AddHours(4).AddMinutes(-5))
            .Pending(2, "a", walltime: TimeSpan.FromHours(1))
            .Build();
        var withHistory = busy with { RunTimes = RunTimePredictions.Record(RunTimePredictions.Empty, "alice", TimeSpan.FromMinutes(35)) };

        var plain = busy.Plan().ExplanationOf(2);
        var predicted = withHistory.Plan().ExplanationOf(2);

        plain.EstimatedStart.Should().Be(Time.Now.AddHours(4).AddMinutes(-5));
        predicted.EstimatedStart.Should().Be(Time.Now.AddMinutes(30));
        predicted.Reservation!.Start.Should().Be(Time.Now.AddHours(4).AddMinutes(-5), "the reservation keeps the walltime, the hard limit");
    }

    [Fact]
    public void A_job_that_ran_past_its_prediction_is_expected_to_end_at_its_walltime()
    {
        var overdue = Cluster().Node("n1", gpus: 1).Team("a", nominalGpus: 1)
            .Running(1, "a", "n1", [0], startedAt: Time.Now.AddHours(-1), endsAt: Time.Now.AddHours(3))
            .Pending(2, "a", walltime: TimeSpan.FromHours(1))
            .Build() with { RunTimes = RunTimePredictions.Record(RunTimePredictions.Empty, "alice", TimeSpan.FromMinutes(35)) };

        overdue.Plan().ExplanationOf(2).EstimatedStart.Should().Be(Time.Now.AddHours(3));
    }
}
