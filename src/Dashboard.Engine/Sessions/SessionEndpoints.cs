using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json;
using Dashboard.Scheduling.Model;

namespace Dashboard.Engine.Sessions;

/// <summary>
/// The running sessions of this server's node: opened by the local executor when it starts a session (a free loopback
/// port, a fresh token), closed when the job ends; the proxy looks its destination up here and nowhere else, so a
/// session that ended, a batch job or an unknown id has no destination at all. Each endpoint knows its job's records
/// folder and, where jobs run as mapped Unix users (<paramref name="runAsUidOf"/>: the owner's uid, as the executor
/// resolves it), that uid: only a listener of the job's own processes is ever connected to (<see cref="SessionListenerGuard"/>).
/// </summary>
public sealed class SessionEndpoints(SessionTypes types, TimeProvider time, Func<string, int?>? runAsUidOf = null)
{
    private const string RecordFileName = "session.json";

    private readonly ConcurrentDictionary<JobId, SessionEndpoint> open = new();

    public SessionTypes Types => types;

    /// <summary>Raised (on the caller's thread) when a session opened, became ready or closed: pages showing it redraw.</summary>
    public event Action<JobId>? Changed;

    /// <summary>Says that <paramref name="job"/>'s endpoint changed (the health watch, after marking it ready).</summary>
    public void Announce(JobId job) => Changed?.Invoke(job);

    public SessionEndpoint? Find(JobId job) => open.TryGetValue(job, out var endpoint) ? endpoint : null;

    public IReadOnlyList<SessionEndpoint> All => [.. open.Values.OrderBy(e => e.Job)];

    /// <summary>
    /// Opens the endpoint of a session the executor is about to start: a port no other session holds and nothing on
    /// this host listens on, and a token of 32 random bytes. Recorded in the job's records folder (out of the job's
    /// reach) so a restarted server finds it again. Null for a batch job or a type no longer offered.
    /// </summary>
    public SessionEndpoint? Open(Job job, string recordsFolder)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (job.Spec.Session is not { } session || types.Find(session.Type) is null)
        {
            return null;
        }

        var endpoint = new SessionEndpoint(
            job.Id, session.Type, job.Spec.Owner, job.Spec.Team, FreePort(), Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)), time.GetUtcNow(), recordsFolder, runAsUidOf?.Invoke(job.Spec.Owner));
        File.WriteAllText(Path.Combine(recordsFolder, RecordFileName), JsonSerializer.Serialize(new StoredEndpoint(endpoint.Port, endpoint.Token, endpoint.OpenedAt, endpoint.RunAsUid)));
        open[job.Id] = endpoint;
        return endpoint;
    }

    /// <summary>After a restart: the endpoint a still-running session was given, from its records folder.</summary>
    public SessionEndpoint? Reopen(Job job, string recordsFolder)
    {
        ArgumentNullException.ThrowIfNull(job);
        var path = Path.Combine(recordsFolder, RecordFileName);
        if (job.Spec.Session is not { } session || !File.Exists(path))
        {
            return null;
        }

        try
        {
            var stored = JsonSerializer.Deserialize<StoredEndpoint>(File.ReadAllText(path));
            if (stored is null)
            {
                return null;
            }

            var endpoint = new SessionEndpoint(job.Id, session.Type, job.Spec.Owner, job.Spec.Team, stored.Port, stored.Token, stored.OpenedAt, recordsFolder, stored.RunAsUid);
            open[job.Id] = endpoint;
            return endpoint;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public void Close(JobId job)
    {
        if (open.TryRemove(job, out _))
        {
            Announce(job);
        }
    }

    /// <summary>The environment a session's server gets: its port, its base path and, when its type takes one, its token.</summary>
    public IReadOnlyDictionary<string, string> EnvironmentOf(SessionEndpoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var type = types.Find(endpoint.Type)!;
        var variables = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [type.PortVariable] = endpoint.Port.ToString(CultureInfo.InvariantCulture),
            ["DASHBOARD_SESSION_PORT"] = endpoint.Port.ToString(CultureInfo.InvariantCulture),
            ["DASHBOARD_SESSION_BASE"] = endpoint.BasePath,
        };
        if (type.TokenVariable.Length > 0)
        {
            variables[type.TokenVariable] = endpoint.Token;
        }

        return variables;
    }

    private int FreePort()
    {
        for (var attempt = 0; attempt < 20; attempt++)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            if (!open.Values.Any(e => e.Port == port))
            {
                return port;
            }
        }

        throw new InvalidOperationException("No free loopback port for the session's server.");
    }

    private sealed record StoredEndpoint(int Port, string Token, DateTimeOffset OpenedAt, int? RunAsUid = null);
}
