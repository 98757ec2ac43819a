using Dashboard.Data.Jobs;
using Dashboard.Data.Writing;
using Dashboard.Scheduling.Model;
using static Dashboard.Data.Tests.TestCluster;

namespace Dashboard.Data.Tests.Jobs;

public sealed class JobStoreTests : StoreTest
{
    private readonly JobStore store;

    public JobStoreTests()
    {
        store = new JobStore(Database);
    }

    [Fact]
    public void A_submitted_job_reads_back_equal_with_every_field_of_its_spec()
    {
        var spec = new JobSpec(
            "résumé-ü 训练",
            "ada",
            "vision",
            "python train.py --epochs 3\n--lr 0.1",
            new ResourceRequest(2, 8_500, 64 * 1024, "H100"),
            new ResourceLimits(16_000, null),
            TimeSpan.FromHours(6.5),
            Priority: -20);
        var job = new Job(new JobId(12), spec, Now);

        Writer.Write([new JobSubmitted(job)]);

        store.Find(job.Id).Should().Be(new JobRecord(job, JobState.Pending, null, null, null, null));
    }

    [Fact]
    public void A_job_with_no_limits_reads_back_without_limits()
    {
        var job = Job(1, Now);

        Writer.Write([new JobSubmitted(job)]);

        store.Find(job.Id)!.Job.Should().Be(job);
        store.Find(job.Id)!.Job.Spec.Limits.Should().BeNull();
    }

    [Fact]
    public void State_changes_record_start_end_exit_code_and_reason_and_append_events()
    {
        var id = new JobId(3);
        var started = Now.AddMinutes(1);
        var ended = Now.AddMinutes(9);
        Writer.Write([new JobSubmitted(Job(3, Now))]);
        Writer.Write([new JobStateChanged(id, JobState.Pending, JobState.Running, started)]);
        Writer.Write([new JobStateChanged(id, JobState.Running, JobState.Failed, ended, "exited with code 137", 137)]);

        store.Find(id).Should().Be(new JobRecord(Job(3, Now), JobState.Failed, started, ended, 137, "exited with code 137"));
        store.Events(id).Select(e => (e.From, e.To, e.At, e.Reason, e.ExitCode)).Should().Equal(
            (JobState.Pending, JobState.Running, started, null, null),
            (JobState.Running, JobState.Failed, ended, "exited with code 137", 137));
        store.Events(id).Select(e => e.Job).Should().AllBeEquivalentTo(id);
    }

    [Fact]
    public void A_requeued_job_is_pending_again_with_its_original_submit_time()
    {
        var id = new JobId(4);
        Writer.Write([new JobSubmitted(Job(4, Now)), new JobStateChanged(id, JobState.Pending, JobState.Running, Now.AddSeconds(5))]);

        Writer.Write([new JobStateChanged(id, JobState.Running, JobState.Pending, Now.AddSeconds(60), "preempted to reclaim quota for job 9")]);

        var record = store.Find(id)!;
        record.State.Should().Be(JobState.Pending);
        record.Job.SubmittedAt.Should().Be(Now);
        record.Reason.Should().Be("preempted to reclaim quota for job 9");
        record.EndedAt.Should().BeNull();
    }

    [Fact]
    public void Jobs_are_listed_by_state_in_id_order_and_the_next_id_follows_the_largest()
    {
        store.NextId().Should().Be(new JobId(1));
        Writer.Write([new JobSubmitted(Job(5, Now)), new JobSubmitted(Job(2, Now)), new JobSubmitted(Job(9, Now))]);
        Writer.Write([new JobStateChanged(new JobId(9), JobState.Pending, JobState.Cancelled, Now, "cancelled by ada")]);

        store.InState(JobState.Pending).Select(j => j.Job.Id.Value).Should().Equal(2, 5);
        store.InState(JobState.Cancelled).Should().ContainSingle().Which.Reason.Should().Be("cancelled by ada");
        store.InState(JobState.Pending, limit: 1).Should().ContainSingle();
        store.NextId().Should().Be(new JobId(10));
    }

    [Fact]
    public void An_unknown_job_is_not_found()
    {
        store.Find(new JobId(404)).Should().BeNull();
        store.Events(new JobId(404)).Should().BeEmpty();
    }
}
