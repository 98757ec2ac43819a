using System.Net;
using Dashboard.Web.Tests.Api;

namespace Dashboard.Web.Tests.Operations;

/// <summary>/healthz, /readyz and /metrics answer GET and HEAD; every other method gets 405.</summary>
public sealed class ReadOnlyMethodsTests(ApiHost host) : IClassFixture<ApiHost>
{
    [Theory]
    [InlineData("/healthz")]
    [InlineData("/readyz")]
    [InlineData("/metrics")]
    public async Task Only_GET_and_HEAD_are_answered(string path)
    {
        var client = host.As("");
        foreach (var method in new[] { "GET", "HEAD" })
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative));
            using var answered = await client.SendAsync(request, TestContext.Current.CancellationToken);
            answered.StatusCode.Should().Be(HttpStatusCode.OK, $"{method} {path}");
        }

        foreach (var method in new[] { "DELETE", "TRACE", "FOO", "POST", "PUT" })
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative));
            using var refused = await client.SendAsync(request, TestContext.Current.CancellationToken);
            refused.StatusCode.Should().Be(HttpStatusCode.MethodNotAllowed, $"{method} {path}");
        }
    }
}
