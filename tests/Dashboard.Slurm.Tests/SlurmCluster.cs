using System.Diagnostics;

namespace Dashboard.Slurm.Tests;

/// <summary>
/// The real Slurm cluster the tests run jobs on. CI (.ci/run) starts one with .ci/slurm/start.sh and names it in
/// DASHBOARD_TEST_SLURM_URL, DASHBOARD_TEST_SLURM_JWT_KEY and DASHBOARD_TEST_SLURM_CONF; without them (a developer's
/// <c>dotnet test</c>) this fixture starts one of its own through the same script, in a scratch folder and on free
/// ports of its own, and stops it (every daemon) when the tests end. It fails with the script's words if it cannot.
/// </summary>
public sealed class SlurmCluster : IAsyncLifetime
{
    /// <summary>The Unix user the tests' jobs run as (the account-to-Unix-user mapping sends alice's jobs to it).</summary>
    public const string JobUser = "dashslurm";

    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private string? ownScratch;

    public Uri RestUrl { get; private set; } = null!;

    public string JwtKeyFile { get; private set; } = null!;

    public string SlurmConf { get; private set; } = null!;

    /// <summary>Whether this fixture started the cluster (and may stop and start its daemons).</summary>
    public string Scratch { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var url = Environment.GetEnvironmentVariable("DASHBOARD_TEST_SLURM_URL");
        var key = Environment.GetEnvironmentVariable("DASHBOARD_TEST_SLURM_JWT_KEY");
        var conf = Environment.GetEnvironmentVariable("DASHBOARD_TEST_SLURM_CONF");
        if (string.IsNullOrEmpty(url) || string.IsNullOrEmpty(key) || string.IsNullOrEmpty(conf))
        {
            var script = Path.Combine(RepositoryRoot(), ".ci", "slurm", "start.sh");
            var (code, output, error) = await RunAsync("bash", [script], null);
            if (code != 0)
            {
                throw new InvalidOperationException(
                    $"The Slurm tests need a real Slurm cluster and none could be started ({script} exited {code}). As root, with Debian's " +
                    "slurm-wlm, slurmrestd and munge installed (apt-get install -y slurm-wlm slurmrestd munge), it starts one by itself; " +
                    $"or set DASHBOARD_TEST_SLURM_URL, DASHBOARD_TEST_SLURM_JWT_KEY and DASHBOARD_TEST_SLURM_CONF. It said: {error.Trim()}");
            }

            ownScratch = output.Trim().Split('\n')[^1].Trim();
            var env = File.ReadAllLines(Path.Combine(ownScratch, "env"))
                .Select(l => l.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
            (url, key, conf) = (env["DASHBOARD_TEST_SLURM_URL"], env["DASHBOARD_TEST_SLURM_JWT_KEY"], env["DASHBOARD_TEST_SLURM_CONF"]);
        }

        RestUrl = new Uri(url);
        JwtKeyFile = key;
        SlurmConf = conf;
        Scratch = Path.GetDirectoryName(conf)!;

        // The job user: useradd answers 9 when another run made it first.
        var (made, _, why) = await RunAsync("useradd", ["--system", "--no-create-home", "--shell", "/bin/bash", JobUser], null);
        if (made is not (0 or 9))
        {
            throw new InvalidOperationException($"The Slurm tests' job user {JobUser} could not be made (useradd {made}): {why.Trim()}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (ownScratch is not null)
        {
            await RunAsync("bash", [Path.Combine(RepositoryRoot(), ".ci", "slurm", "stop.sh"), ownScratch], null);
        }
    }

    /// <summary>Runs one of Slurm's commands (sbatch, scontrol, squeue, scancel) against this cluster.</summary>
    public async Task<string> CliAsync(string program, params string[] args)
    {
        var (code, output, error) = await RunAsync(program, args, SlurmConf);
        if (code != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', args)} exited {code}: {error.Trim()}");
        }

        return output.Trim();
    }

    /// <summary>Slurm's state of a job (squeue, then scontrol for one that ended), e.g. RUNNING, COMPLETED.</summary>
    public async Task<string> JobStateAsync(long slurmJobId)
    {
        var shown = await CliAsync("scontrol", "show", "job", slurmJobId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var at = shown.IndexOf("JobState=", StringComparison.Ordinal);
        return shown[(at + 9)..].Split(' ')[0];
    }

    /// <summary>Polls <paramref name="condition"/> (each call asks Slurm itself) until it holds, within <see cref="Patience"/>.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, string what)
    {
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            if (watch.Elapsed > Patience)
            {
                throw new TimeoutException($"waited {Patience.TotalSeconds} s for {what}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), TestContext.Current.CancellationToken);
        }
    }

    public static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Dashboard.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("the repository (Dashboard.sln) was not found above " + AppContext.BaseDirectory);
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(string program, IEnumerable<string> args, string? slurmConf)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        if (slurmConf is not null)
        {
            start.Environment["SLURM_CONF"] = slurmConf;
        }

        start.Environment["PATH"] = Environment.GetEnvironmentVariable("PATH") + ":/usr/sbin:/sbin";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output, await error);
    }
}

[CollectionDefinition(Name)]
public sealed class RealSlurm : ICollectionFixture<SlurmCluster>
{
    public const string Name = "real Slurm cluster";
}
