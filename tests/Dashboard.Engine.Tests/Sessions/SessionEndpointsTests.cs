using Dashboard.Engine.Sessions;
using Dashboard.Scheduling.Model;

namespace Dashboard.Engine.Tests.Sessions;

/// <summary>
/// What a session's endpoint knows to tell its own listener from another's: its job's records folder and the uid its
/// job runs as, kept in the records folder so a restarted server knows them again.
/// </summary>
public sealed class SessionEndpointsTests : IDisposable
{
    private readonly string records = Directory.CreateTempSubdirectory("port35-endpoints-").FullName;

    public void Dispose() => Directory.Delete(records, recursive: true);

    [Fact]
    public void An_opened_endpoint_knows_its_records_folder_and_run_as_uid_and_a_restarted_server_reads_them_back()
    {
        var types = new SessionTypes(new SessionSettings { Types = [new SessionTypeOptions { Name = "web", Command = "exec python3 -m http.server" }] });
        var job = new Job(new JobId(42), new JobSpec("web", "alice", "vision", "", new ResourceRequest(0, 100, 256), Session: new SessionRequest("web")), DateTimeOffset.UnixEpoch);
        string? askedFor = null;

        var opened = new SessionEndpoints(types, TimeProvider.System, owner => { askedFor = owner; return 1234; }).Open(job, records)!;
        var reopened = new SessionEndpoints(types, TimeProvider.System).Reopen(job, records)!;

        askedFor.Should().Be("alice", "the uid is the owner's, as the executor maps it");
        opened.RecordsFolder.Should().Be(records);
        opened.RunAsUid.Should().Be(1234);
        reopened.Port.Should().Be(opened.Port);
        reopened.RecordsFolder.Should().Be(records);
        reopened.RunAsUid.Should().Be(1234);
    }

    [Fact]
    public void Without_a_launch_record_no_listener_is_the_sessions()
    {
        var endpoint = new SessionEndpoint(new JobId(43), "web", "alice", "vision", 1, "t", DateTimeOffset.UnixEpoch, records);

        SessionJobProcesses.FromRecordsFolder(endpoint.RecordsFolder).Should().BeNull();
        LoopbackListenerOwner.Check(1, [new ListeningSocket("0100007F", 1, 0, 99)], null, null).Reason
            .Should().Be("port 1 is held by a process outside this session (its job has not started yet)");
    }
}
