using Dapper;
using Dashboard.Data.Jobs;
using Dashboard.Data.Writing;
using Dashboard.Scheduling.Model;
using static Dashboard.Data.Tests.TestCluster;

namespace Dashboard.Data.Tests.Jobs;

/// <summary>A session is a job of kind session with its type (migration 0012); every other job is a batch job.</summary>
public sealed class SessionJobStoreTests : StoreTest
{
    [Fact]
    public void A_session_reads_back_as_a_session_of_its_type_and_is_stored_with_kind_session()
    {
        var session = new Job(new JobId(7), new JobSpec("jupyter session", "ada", "vision", "jupyter notebook", new ResourceRequest(1, 1000, 1024), Walltime: TimeSpan.FromHours(4), Session: new SessionRequest("jupyter")), Now);
        var batch = Job(8, Now);

        Writer.Write([new JobSubmitted(session), new JobSubmitted(batch)]);

        var store = new JobStore(Database);
        store.Find(session.Id)!.Job.Should().Be(session);
        store.Find(batch.Id)!.Job.Spec.Session.Should().BeNull();
        using var connection = Database.OpenConnection();
        connection.Query<(string, string?)>("SELECT kind, session_type FROM jobs ORDER BY id").Should().Equal(("session", "jupyter"), ("batch", null));
    }
}
