using System.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Dashboard.Bench.Slurm;

/// <summary>The real app with Cluster:Slurm on the given cluster and no local or demo node.</summary>
internal sealed class BenchHost(string dataFolder, string url, string key, string conf, TimeSpan pollInterval, int quickLookJobs) : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        var settings = new Dictionary<string, string>
        {
            ["Database:DataFolder"] = dataFolder,
            ["Cluster:LocalNode:Enabled"] = "false",
            ["Cluster:DemoNodes:Enabled"] = "false",
            ["ElasticPools:0:MaxNodes"] = "0",
            ["Usage:DemoHistoryDays"] = "0",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Executor:UnixUsers:alice"] = "dashslurm",
            ["Cluster:Slurm:Enabled"] = "true",
            ["Cluster:Slurm:RestUrl"] = url,
            ["Cluster:Slurm:JwtKeyFile"] = key,
            ["Cluster:Slurm:AdminUser"] = "root",
            ["Cluster:Slurm:Partitions:0"] = "dash",
            ["Cluster:Slurm:PollInterval"] = pollInterval.ToString("c", System.Globalization.CultureInfo.InvariantCulture),
            ["Cluster:Slurm:SlurmConf"] = conf,
            ["Cluster:Slurm:QuickLookJobs"] = quickLookJobs.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        foreach (var (name, value) in settings)
        {
            builder.UseSetting(name, value);
        }
    }
}

/// <summary>Slurm's commands against one cluster (SLURM_CONF).</summary>
internal sealed class SlurmCli(string conf)
{
    public async Task<string> RunAsync(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["SLURM_CONF"] = conf;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} exited {process.ExitCode}: {(await error.ConfigureAwait(false)).Trim()}");
        }

        return await output.ConfigureAwait(false);
    }
}
