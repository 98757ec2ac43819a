using System.Text.Json;
using Dashboard.Engine.Execution;
using Dashboard.Engine.Sessions;
using Dashboard.Scheduling.Model;

namespace Dashboard.Engine.Tests.Sessions;

/// <summary>
/// The guard every connection to a session's server goes through, against real listeners: it connects to the job's
/// own listener, checking the job's processes once per listener (then only the port's listeners), and refuses a
/// listener of another process without sending it a byte.
/// </summary>
public sealed class SessionListenerGuardTests : IDisposable
{
    private readonly string records = Directory.CreateTempSubdirectory("port35-records-").FullName;

    public void Dispose() => Directory.Delete(records, recursive: true);

    [Fact]
    public async Task The_jobs_listener_is_checked_once_then_only_looked_at_until_it_changes()
    {
        using var first = await ListeningChild.StartAsync();
        var endpoint = EndpointOf(first);

        SessionListenerGuard.Verify(endpoint).Verdict.Should().Be(ListenerVerdict.Session);
        SessionListenerGuard.Verify(endpoint).Verdict.Should().Be(ListenerVerdict.Session);
        SessionListenerGuard.Verify(endpoint).Verdict.Should().Be(ListenerVerdict.Session);
        endpoint.FullListenerChecks.Should().Be(1, "the verified listener's inode is remembered");

        first.Dispose();
        using var stranger = await ListeningChild.StartAsync(endpoint.Port);

        var taken = SessionListenerGuard.Verify(endpoint);

        taken.Verdict.Should().Be(ListenerVerdict.Outsider, "a new inode on the port is checked again");
        endpoint.FullListenerChecks.Should().Be(2);
    }

    [Fact]
    public async Task A_connection_goes_to_the_jobs_listener_and_is_refused_at_a_strangers()
    {
        using var job = await ListeningChild.StartAsync();
        using var stranger = await ListeningChild.StartAsync();
        var endpoint = EndpointOf(job);
        var strangersEndpoint = new SessionEndpoint(new JobId(8), "web", "alice", "vision", stranger.Port, "t", DateTimeOffset.UnixEpoch, endpoint.RecordsFolder);
        using var handler = new SocketsHttpHandler { ConnectCallback = SessionListenerGuard.ConnectAsync, UseProxy = false };
        using var client = new HttpMessageInvoker(handler);

        var answer = await SendAsync(client, endpoint);
        var reachStranger = async () => await SendAsync(client, strangersEndpoint);

        answer.Should().Be($"served-by-{job.ListenerPid}");
        var refused = (await reachStranger.Should().ThrowAsync<HttpRequestException>()).Which;
        SessionListenerRefusedException.In(refused)!.Reason.Should().StartWith($"port {stranger.Port} is held by a process outside this session");
    }

    private static async Task<string> SendAsync(HttpMessageInvoker client, SessionEndpoint endpoint)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{endpoint.Port}/");
        request.Options.Set(SessionListenerGuard.EndpointKey, endpoint);
        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        return await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>A session endpoint whose job's launch record names <paramref name="job"/>'s tree root as its supervisor.</summary>
    private SessionEndpoint EndpointOf(ListeningChild job)
    {
        var folder = Directory.CreateDirectory(Path.Combine(records, job.RootPid.ToString(System.Globalization.CultureInfo.InvariantCulture))).FullName;
        var record = new LaunchRecord(job.RootPid, ProcessSignals.StartTicks(job.RootPid)!.Value);
        File.WriteAllText(Path.Combine(folder, JobRecordsFolder.LaunchFileName), JsonSerializer.Serialize(record));
        return new SessionEndpoint(new JobId(7), "web", "alice", "vision", job.Port, "t", DateTimeOffset.UnixEpoch, folder);
    }
}
