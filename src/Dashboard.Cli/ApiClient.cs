using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dashboard.Api.Contracts;

namespace Dashboard.Cli;

/// <summary>
/// The REST API as <c>dash</c> uses it: JSON in and out, the bearer token on every request, and every failure turned
/// into an exit code and one plain message (a problem-details answer is shown as its detail and field errors).
/// </summary>
public sealed class ApiClient : IDisposable
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly HttpClient http;
    private readonly bool hasToken;

    public ApiClient(ServerAddress server, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(server);
        Server = server;
        http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        http.BaseAddress = server.Url;
        http.Timeout = Timeout.InfiniteTimeSpan;
        http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("dash", "1.0"));
        hasToken = !string.IsNullOrEmpty(server.Token);
        if (hasToken)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", server.Token);
        }
    }

    public ServerAddress Server { get; }

    /// <summary>
    /// The largest answer dash reads (a page of 500 jobs with 10,000-character commands is a fraction of it): a
    /// server that sends more is not the dashboard, and reading on would only exhaust memory.
    /// </summary>
    public const int MaxAnswerBytes = 64 << 20;

    /// <summary>How long a plain request may take before the server counts as unreachable.</summary>
    public static TimeSpan RequestTimeout { get; } = TimeSpan.FromSeconds(30);

    public Task<ApiResult<T>> GetAsync<T>(string path, CancellationToken cancellationToken) =>
        SendAsync<T>(() => new HttpRequestMessage(HttpMethod.Get, Relative(path)), cancellationToken);

    public Task<ApiResult<T>> PostAsync<T>(string path, object? body, CancellationToken cancellationToken) =>
        SendAsync<T>(
            () => new HttpRequestMessage(HttpMethod.Post, Relative(path)) { Content = body is null ? null : JsonContent.Create(body, body.GetType(), options: Json) },
            cancellationToken);

    public Task<ApiResult<T>> PutAsync<T>(string path, object body, CancellationToken cancellationToken) =>
        SendAsync<T>(
            () => new HttpRequestMessage(HttpMethod.Put, Relative(path)) { Content = JsonContent.Create(body, body.GetType(), options: Json) },
            cancellationToken);

    public Task<ApiResult<T>> DeleteAsync<T>(string path, CancellationToken cancellationToken) =>
        SendAsync<T>(() => new HttpRequestMessage(HttpMethod.Delete, Relative(path)), cancellationToken);

    /// <summary>A DELETE whose success has no body (204 No Content): the value is true when it succeeded.</summary>
    public Task<ApiResult<bool>> DeleteWithoutContentAsync(string path, CancellationToken cancellationToken) =>
        SendAsync(() => new HttpRequestMessage(HttpMethod.Delete, Relative(path)), _ => ApiResult.Ok(true, string.Empty), cancellationToken);

    /// <summary>
    /// Streams a response body to <paramref name="onChunk"/> as it arrives (for logs); returns the response headers'
    /// log offset (<see cref="ApiRoutes.LogOffsetHeader"/>) when the server sent one.
    /// </summary>
    public async Task<ApiResult<long?>> StreamAsync(string path, Func<string, Task> onChunk, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(onChunk);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, Relative(path));
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/plain"));
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                var failure = await FailureAsync(response, cancellationToken).ConfigureAwait(false);
                return ApiResult.Failed<long?>(failure.Code, failure.Message);
            }

            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            using var reader = new StreamReader(body, Encoding.UTF8);
            var buffer = new char[8192];
            long bytes = 0;
            int read;
            while ((read = await reader.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                var chunk = new string(buffer, 0, read);
                bytes += Encoding.UTF8.GetByteCount(chunk);
                await onChunk(chunk).ConfigureAwait(false);
            }

            long? offset = response.Headers.TryGetValues(ApiRoutes.LogOffsetHeader, out var values)
                && long.TryParse(values.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var sent)
                ? sent
                : null;
            return ApiResult.Ok<long?>(offset, bytes.ToString(CultureInfo.InvariantCulture));
        }
        catch (Exception error) when (error is HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
        {
            return ApiResult.Failed<long?>(ExitCodes.Unreachable, Unreachable(error));
        }
    }

    public void Dispose() => http.Dispose();

    private static Uri Relative(string path) => new(path.TrimStart('/'), UriKind.Relative);

    private Task<ApiResult<T>> SendAsync<T>(Func<HttpRequestMessage> build, CancellationToken cancellationToken) =>
        SendAsync(build, ReadJson<T>, cancellationToken);

    private ApiResult<T> ReadJson<T>(string json)
    {
        try
        {
            var value = JsonSerializer.Deserialize<T>(json, Json);
            return value is null
                ? ApiResult.Failed<T>(ExitCodes.Refused, $"the server at {Server.Url} answered with no content")
                : ApiResult.Ok(value, json);
        }
        catch (JsonException)
        {
            return ApiResult.Failed<T>(ExitCodes.Refused, $"the server at {Server.Url} answered something that is not the dashboard's API (is --server right?)");
        }
    }

    private async Task<ApiResult<T>> SendAsync<T>(Func<HttpRequestMessage> build, Func<string, ApiResult<T>> read, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(RequestTimeout);
        try
        {
            using var request = build();
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                var failure = await FailureAsync(response, timeout.Token).ConfigureAwait(false);
                return ApiResult.Failed<T>(failure.Code, failure.Message);
            }

            return await ReadBoundedAsync(response.Content, timeout.Token).ConfigureAwait(false) is { } text
                ? read(text)
                : ApiResult.Failed<T>(ExitCodes.Refused, $"the server at {Server.Url} answered more than {MaxAnswerBytes >> 20} MiB, which is not the dashboard's API (is --server right?)");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return ApiResult.Failed<T>(ExitCodes.Unreachable, $"the server at {Server.Url} did not answer within {RequestTimeout.TotalSeconds:0} s");
        }
        catch (HttpRequestException error)
        {
            return ApiResult.Failed<T>(ExitCodes.Unreachable, Unreachable(error));
        }
    }

    private string Unreachable(Exception error) =>
        $"cannot reach the server at {Server.Url}: {error.GetBaseException().Message} (set --server or DASH_SERVER)";

    private async Task<(int Code, string Message)> FailureAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var problem = await ProblemAsync(response, cancellationToken).ConfigureAwait(false);
        var said = ProblemText.Of(problem);
        switch (response.StatusCode)
        {
            case HttpStatusCode.Unauthorized:
                return (ExitCodes.Unauthorized, hasToken
                    ? "not signed in: the server refused the token (wrong, revoked, or its account is disabled); create one on /account/tokens"
                    : "not signed in: give a token with --token or DASH_TOKEN (create one on the dashboard's /account/tokens page)");
            case HttpStatusCode.Forbidden:
                return (ExitCodes.Forbidden, said ?? "not allowed: your role may not do this");
            case HttpStatusCode.NotFound:
                return (ExitCodes.NotFound, said ?? "not found");
            case HttpStatusCode.TooManyRequests:
                var retry = response.Headers.RetryAfter?.Delta is { } delta ? $" (try again in {Math.Ceiling(delta.TotalSeconds):0} s)" : string.Empty;
                return (ExitCodes.Refused, (said ?? "too many requests") + retry);
            default:
                return (ExitCodes.Refused, said ?? $"the server answered {(int)response.StatusCode} {response.ReasonPhrase}");
        }
    }

    private static async Task<ApiProblem?> ProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var type = response.Content.Headers.ContentType?.MediaType;
        if (type is null || !type.Contains("json", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        try
        {
            return await ReadBoundedAsync(response.Content, cancellationToken).ConfigureAwait(false) is { } text
                ? JsonSerializer.Deserialize<ApiProblem>(text, Json)
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The answer's text, or null when it is (or says it is) longer than <see cref="MaxAnswerBytes"/>.</summary>
    private static async Task<string?> ReadBoundedAsync(HttpContent content, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength > MaxAnswerBytes)
        {
            return null;
        }

        await using var body = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var kept = new MemoryStream();
        var buffer = new byte[81920];
        int read;
        while ((read = await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (kept.Length + read > MaxAnswerBytes)
            {
                return null;
            }

            kept.Write(buffer, 0, read);
        }

        kept.Position = 0;
        using var text = new StreamReader(kept, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return await text.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
    }
}
