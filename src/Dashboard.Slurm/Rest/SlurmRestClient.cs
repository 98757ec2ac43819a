using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Dashboard.Slurm.Rest;

/// <summary>
/// slurmrestd's REST API (openapi/v0.0.38), typed. Each call carries the caller's user name and token
/// (X-SLURM-USER-NAME, X-SLURM-USER-TOKEN). Retries with backoff, timeouts and the circuit breaker come from the
/// HttpClient's resilience handler (see <see cref="SlurmRegistration"/>); what still fails is a
/// <see cref="SlurmUnreachableException"/>, and Slurm's own refusals a <see cref="SlurmRefusedException"/>.
/// </summary>
public sealed class SlurmRestClient(HttpClient http, SlurmOptions options, SlurmTokens tokens)
{
    private string Prefix => $"slurm/{options.ApiVersion}/";

    /// <summary>Every node Slurm knows, with the version slurmrestd reports.</summary>
    public async Task<SlurmNodesResponse> NodesAsync(CancellationToken cancellationToken)
    {
        var answer = await SendAsync<SlurmNodesResponse>(HttpMethod.Get, "nodes", options.AdminUser, null, cancellationToken).ConfigureAwait(false);
        ThrowOnErrors(answer.Errors, "reading the nodes");
        return answer;
    }

    /// <summary>Every job slurmctld still remembers (running, pending and those ended less than MinJobAge ago).</summary>
    public async Task<IReadOnlyList<SlurmJob>> JobsAsync(CancellationToken cancellationToken)
    {
        var answer = await SendAsync<SlurmJobsResponse>(HttpMethod.Get, "jobs", options.AdminUser, null, cancellationToken).ConfigureAwait(false);
        ThrowOnErrors(answer.Errors, "reading the jobs");
        return answer.Jobs ?? [];
    }

    /// <summary>One job; null when slurmctld no longer knows it.</summary>
    public async Task<SlurmJob?> JobAsync(long slurmJobId, CancellationToken cancellationToken)
    {
        var answer = await SendAsync<SlurmJobsResponse>(HttpMethod.Get, "job/" + slurmJobId.ToString(CultureInfo.InvariantCulture), options.AdminUser, null, cancellationToken).ConfigureAwait(false);
        if (answer.Errors is { Count: > 0 } errors && errors.Any(e => Describe(e).Contains("Invalid job id", StringComparison.OrdinalIgnoreCase)))
        {
            return null;
        }

        ThrowOnErrors(answer.Errors, $"reading job {slurmJobId}");
        return answer.Jobs is { Count: > 0 } jobs ? jobs[0] : null;
    }

    /// <summary>Submits a batch job as <paramref name="user"/>; returns its Slurm job id. A held job answers with a note, not an error.</summary>
    public async Task<long> SubmitAsync(SlurmSubmission submission, string user, CancellationToken cancellationToken)
    {
        var answer = await SendAsync<SlurmSubmitResponse>(HttpMethod.Post, "job/submit", user, submission, cancellationToken).ConfigureAwait(false);
        if (answer.JobId is { } id and > 0)
        {
            return id;
        }

        throw new SlurmRefusedException("Slurm refused the job: " + string.Join("; ", (answer.Errors ?? []).Select(Describe)));
    }

    /// <summary>Cancels a job (slurmctld signals it, then kills it after KillWait). A job that already ended is no error.</summary>
    public async Task CancelAsync(long slurmJobId, CancellationToken cancellationToken)
    {
        var answer = await SendAsync<SlurmPlainResponse>(HttpMethod.Delete, "job/" + slurmJobId.ToString(CultureInfo.InvariantCulture), options.AdminUser, null, cancellationToken).ConfigureAwait(false);
        var errors = (answer.Errors ?? []).Where(e => !Describe(e).Contains("already completed", StringComparison.OrdinalIgnoreCase)
            && !Describe(e).Contains("Invalid job id", StringComparison.OrdinalIgnoreCase)).ToList();
        ThrowOnErrors(errors, $"cancelling job {slurmJobId}");
    }

    /// <summary>
    /// Sets a job's time limit in whole minutes (v0.0.38's job update, POST job/{id}, as the admin user: raising a
    /// limit is an operator's right in Slurm).
    /// </summary>
    public async Task UpdateTimeLimitAsync(long slurmJobId, int minutes, CancellationToken cancellationToken)
    {
        var answer = await SendAsync<SlurmPlainResponse>(HttpMethod.Post, "job/" + slurmJobId.ToString(CultureInfo.InvariantCulture), options.AdminUser, new SlurmTimeLimitUpdate(minutes), cancellationToken).ConfigureAwait(false);
        ThrowOnErrors(answer.Errors, $"setting the time limit of job {slurmJobId}");
    }

    private static string Describe(SlurmError error) => error.Describe();

    private static void ThrowOnErrors(IReadOnlyList<SlurmError>? errors, string doing)
    {
        if (errors is not { Count: > 0 })
        {
            return;
        }

        var text = string.Join("; ", errors.Select(Describe));
        // slurmrestd answers, but slurmctld behind it does not: that is Slurm being unreachable, not a refusal.
        if (text.Contains("Unable to contact slurm controller", StringComparison.OrdinalIgnoreCase)
            || text.Contains("Communication connection failure", StringComparison.OrdinalIgnoreCase)
            || text.Contains("Socket timed out", StringComparison.OrdinalIgnoreCase))
        {
            throw new SlurmUnreachableException($"slurmctld does not answer ({doing}): {text}");
        }

        throw new SlurmRefusedException($"Slurm refused {doing}: {text}");
    }

    private async Task<T> SendAsync<T>(HttpMethod method, string path, string user, object? body, CancellationToken cancellationToken)
    {
        var (name, token) = tokens.For(user);
        using var request = new HttpRequestMessage(method, new Uri(Prefix + path, UriKind.Relative));
        request.Headers.Add("X-SLURM-USER-NAME", name);
        request.Headers.Add("X-SLURM-USER-TOKEN", token);
        // slurmrestd 22.05 fails the second request on a kept-alive connection (its header parser keeps the first
        // request's authentication state): one connection per call.
        request.Headers.ConnectionClose = true;
        if (body is not null)
        {
            // slurmrestd 22.05 refuses a chunked body and a Content-Type with parameters ("; charset=utf-8"): the
            // body goes whole, with its length, as bare application/json.
            request.Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, body.GetType()));
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception error) when (error is HttpRequestException or Polly.CircuitBreaker.BrokenCircuitException or Polly.Timeout.TimeoutRejectedException
            || (error is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new SlurmUnreachableException($"slurmrestd at {options.RestUrl} does not answer: {error.Message}", error);
        }

        using (response)
        {
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                throw new SlurmRefusedException($"slurmrestd refused the token of {name} ({(int)response.StatusCode}): check Cluster:Slurm:JwtKeyFile or Token");
            }

            T? answer = default;
            try
            {
                answer = await response.Content.ReadFromJsonAsync<T>(cancellationToken).ConfigureAwait(false);
            }
            catch (JsonException) when (!response.IsSuccessStatusCode)
            {
                // A gateway's or a dying slurmrestd's page, not Slurm's JSON.
            }

            if (answer is null)
            {
                throw new SlurmUnreachableException($"slurmrestd answered {(int)response.StatusCode} without Slurm's JSON");
            }

            return answer;
        }
    }
}
