using System.ComponentModel;
using System.Diagnostics;

namespace Dashboard.Slurm.Execution;

/// <summary>
/// What the REST API v0.0.38 lacks, done with Slurm's own CLI (one scontrol process per action, its commands on
/// standard input): draining or resuming a node (v0.0.38 cannot update nodes). The dashboard's host needs scontrol, slurm.conf and the
/// cluster's munge key for these, and the user it runs as must be a Slurm operator.
/// </summary>
public sealed class Scontrol(SlurmOptions options)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>Drains a node (running jobs finish, nothing new starts) with the reason Slurm requires.</summary>
    public Task DrainAsync(string node, string reason, CancellationToken cancellationToken) =>
        RunAsync($"update NodeName={node} State=DRAIN Reason=\"{reason.Replace('"', '\'')}\"\n", cancellationToken);

    /// <summary>Ends a node's drain.</summary>
    public Task ResumeAsync(string node, CancellationToken cancellationToken) =>
        RunAsync($"update NodeName={node} State=RESUME\n", cancellationToken);

    private async Task RunAsync(string commands, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(options.ScontrolPath)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (!string.IsNullOrWhiteSpace(options.SlurmConf))
        {
            start.Environment["SLURM_CONF"] = options.SlurmConf;
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"{options.ScontrolPath} could not be started");
        }
        catch (Win32Exception error)
        {
            throw new InvalidOperationException($"{options.ScontrolPath} could not be started (Cluster:Slurm:ScontrolPath): {error.Message}", error);
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var errors = process.StandardError.ReadToEndAsync(cancellationToken);
            await process.StandardInput.WriteAsync(commands).ConfigureAwait(false);
            process.StandardInput.Close();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(Patience);
            try
            {
                await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                process.Kill(entireProcessTree: true);
                throw new InvalidOperationException($"scontrol did not finish within {Patience.TotalSeconds} s");
            }

            await output.ConfigureAwait(false);
            var error = (await errors.ConfigureAwait(false)).Trim();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"scontrol failed ({process.ExitCode}): {error}");
            }
        }
    }
}
