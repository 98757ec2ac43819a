using Dashboard.Data;
using Dashboard.Data.Slurm;
using Dashboard.Engine.Execution;
using Dashboard.Engine.Execution.Isolation;
using Dashboard.Engine.Loop;
using Dashboard.Slurm.Execution;
using Dashboard.Slurm.Rest;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Polly;

namespace Dashboard.Slurm;

/// <summary>Wires the Slurm backend in when <see cref="SlurmOptions.Enabled"/>: its REST client, executor and poller.</summary>
public static class SlurmRegistration
{
    /// <summary>
    /// Adds the Slurm backend. <paramref name="jobsRoot"/> is the dashboard's jobs folder (each job's folder and
    /// output.log, unless <see cref="SlurmOptions.JobsFolder"/> names a shared one); <paramref name="unixUsers"/> and
    /// <paramref name="fallbackUnixUser"/> are the account-to-Unix-user mapping of the Executor settings.
    /// </summary>
    public static IServiceCollection AddSlurmBackend(this IServiceCollection services, SlurmOptions options, string jobsRoot, IReadOnlyDictionary<string, string> unixUsers, string? fallbackUnixUser)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Enabled)
        {
            return services;
        }

        if (options.Problems() is { Count: > 0 } problems)
        {
            throw new InvalidOperationException(string.Join("; ", problems));
        }

        services.AddSingleton(options);
        services.AddSingleton<SlurmStatus>();
        services.AddSingleton(sp => new SlurmTokens(options, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(new Scontrol(options));
        services.AddSingleton(sp => new SlurmJobStore(sp.GetRequiredService<Database>()));
        services.AddHttpClient<SlurmRestClient>(http => http.BaseAddress = new Uri(options.RestUrl.TrimEnd('/') + "/"))
            .AddStandardResilienceHandler(resilience =>
            {
                // Reads and cancels are retried with exponential backoff; a submit is never sent twice by a retry.
                resilience.Retry.DisableForUnsafeHttpMethods();
                resilience.Retry.MaxRetryAttempts = 3;
                resilience.Retry.BackoffType = DelayBackoffType.Exponential;
                resilience.Retry.Delay = TimeSpan.FromMilliseconds(200);
                resilience.AttemptTimeout.Timeout = TimeSpan.FromSeconds(5);
                resilience.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(20);
                resilience.CircuitBreaker.SamplingDuration = TimeSpan.FromSeconds(10);
            });
        services.AddSingleton(sp => new SlurmExecutor(
            options,
            sp.GetRequiredService<SlurmRestClient>(),
            sp.GetRequiredService<SlurmJobStore>(),
            new UnixUserMapping(unixUsers, fallbackUnixUser, sp.GetService<IStoredUnixUsers>() is { } stored ? stored.UnixUserOf : null),
            sp.GetRequiredService<SlurmStatus>(),
            jobsRoot,
            sp.GetRequiredService<EngineInbox>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<SlurmExecutor>>()));
        services.AddSingleton<IJobExecutor>(sp => sp.GetRequiredService<SlurmExecutor>());
        services.AddSingleton<SlurmCorrections>();
        services.AddSingleton<SlurmSync>();
        services.AddHostedService(sp => sp.GetRequiredService<SlurmSync>());
        return services;
    }
}
