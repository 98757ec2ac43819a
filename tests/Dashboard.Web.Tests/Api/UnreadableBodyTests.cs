using System.Net;
using System.Text;
using Dashboard.Api.Contracts;
using Microsoft.Extensions.Logging;

namespace Dashboard.Web.Tests.Api;

/// <summary>
/// Bodies the server cannot read as text (a lone surrogate escape, bytes that are not UTF-8, a chunked body with a bad
/// chunk size) are the client's mistake: 400 with a problem document, nothing changed, and no error in the log.
/// </summary>
public sealed class UnreadableBodyTests : IAsyncLifetime
{
    private readonly LogRecorder log = new();
    private ApiHost host = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        host = new ApiHost(new DashboardFactory { TestServices = log.AddTo });
        await host.InitializeAsync();
    }

    public async ValueTask DisposeAsync() => await host.DisposeAsync();

    public static TheoryData<string, byte[]> Bodies => new()
    {
        { "a lone high surrogate in a value", Encoding.UTF8.GetBytes("""{"name": "x\ud800", "command": "sleep 1", "team": "vision", "cpu": 1, "memory": 2}""") },
        { "a lone low surrogate in a field name", Encoding.UTF8.GetBytes("""{"\udc00": 1, "name": "x", "command": "sleep 1", "team": "vision", "cpu": 1, "memory": 2}""") },
        { "invalid UTF-8 bytes in a value", [.. "{\"name\": \"x"u8, 0xFF, 0xFE, 0xC3, .. "\", \"command\": \"sleep 1\", \"team\": \"vision\", \"cpu\": 1, \"memory\": 2}"u8] },
        { "an overlong UTF-8 encoding", [.. "{\"name\": \"x"u8, 0xC0, 0xAF, .. "\", \"command\": \"sleep 1\", \"team\": \"vision\", \"cpu\": 1, \"memory\": 2}"u8] },
    };

    [Theory]
    [MemberData(nameof(Bodies))]
    public async Task A_submit_with_text_that_is_not_unicode_gets_400_and_submits_nothing(string what, byte[] body)
    {
        var alice = host.As("alice");
        using var content = new ByteArrayContent(body);
        content.Headers.TryAddWithoutValidation("Content-Type", "application/json");

        using var response = await alice.PostAsync(new Uri(ApiRoutes.Jobs, UriKind.Relative), content, Cancel);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest, what);
        (await ApiHost.ProblemOf(response)).Status.Should().Be(400);
        using var list = await alice.GetAsync(new Uri(ApiRoutes.Jobs + "?mine=true", UriKind.Relative), Cancel);
        (await list.Content.ReadAsStringAsync(Cancel)).Should().Contain("\"total\":0");
        ErrorsLogged().Should().BeEmpty();
    }

    [Fact]
    public async Task A_quota_with_a_lone_surrogate_gets_400()
    {
        using var content = ApiHost.Json("""{"nominalGpus": 1, "nominalCpu": 1, "nominalMemory": 1, "borrowingLimitGpus": 0, "borrowingLimitCpu": 0, "borrowingLimitMemory": 0, "fairShareWeight": 1, "maxPriority": "\ud800"}""");

        using var response = await host.As("admin").PutAsync(new Uri(ApiRoutes.TeamQuota("vision"), UriKind.Relative), content, Cancel);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await ApiHost.ProblemOf(response)).Detail.Should().Contain("not valid Unicode");
        ErrorsLogged().Should().BeEmpty();
    }

    [Fact]
    public async Task A_chunked_body_with_a_bad_chunk_size_gets_a_400_problem()
    {
        var answer = await RawHttp.SendAsync(host.Address,
            $"POST {ApiRoutes.Jobs} HTTP/1.1\nHost: 127.0.0.1\nAuthorization: Bearer {host.TokenOf("alice")}\nContent-Type: application/json\nTransfer-Encoding: chunked\nConnection: close\n\nzz\r\n{{}}\r\n0\r\n\r\n");

        answer.Status.Should().Be(400, answer.Body);
        answer.Header("Content-Type").Should().StartWith("application/problem+json");
        answer.Body.Should().Contain("\"status\":400");
        ErrorsLogged().Should().BeEmpty();
    }

    private IEnumerable<string> ErrorsLogged() =>
        log.Entries.Where(e => e.Level >= LogLevel.Error).Select(e => $"{e.Category}: {e.Message} {e.Error}");
}
