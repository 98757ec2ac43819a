using Dashboard.Data.Jobs;
using Dashboard.Data.Writing;
using Dashboard.Scheduling.Model;
using static Dashboard.Data.Tests.TestCluster;

namespace Dashboard.Data.Tests.Jobs;

public sealed class RecordedJobStoreTests : StoreTest
{
    [Fact]
    public void Finished_jobs_of_the_period_come_back_with_their_last_runs_length_and_the_rest_are_left_out()
    {
        Writer.Write([new JobSubmitted(Job(1, Now.AddDays(-40)))]);
        Writer.Write([new JobSubmitted(Job(2, Now.AddDays(-3)))]);
        Writer.Write([new JobSubmitted(Job(3, Now.AddDays(-2)))]);
        Writer.Write([new JobSubmitted(Job(4, Now.AddDays(-1)))]);
        RunAndEnd(1, Now.AddDays(-40), TimeSpan.FromMinutes(5));
        RunAndEnd(2, Now.AddDays(-3).AddMinutes(10), TimeSpan.FromMinutes(30));
        Writer.Write([new JobStateChanged(new JobId(3), JobState.Pending, JobState.Running, Now.AddDays(-2))]);

        var recorded = new RecordedJobStore(Database).EndedSince(Now.AddDays(-30));

        recorded.Select(r => (r.Job.Id.Value, r.RunTime, r.Job.SubmittedAt)).Should().Equal((2L, TimeSpan.FromMinutes(30), Now.AddDays(-3)));
    }

    private void RunAndEnd(long id, DateTimeOffset start, TimeSpan ranFor)
    {
        Writer.Write([new JobStateChanged(new JobId(id), JobState.Pending, JobState.Running, start)]);
        Writer.Write([new JobStateChanged(new JobId(id), JobState.Running, JobState.Succeeded, start + ranFor)]);
    }
}
