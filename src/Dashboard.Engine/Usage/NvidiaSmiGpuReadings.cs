using System.Collections.Immutable;
using System.Diagnostics;

namespace Dashboard.Engine.Usage;

/// <summary>
/// This host's GPUs as nvidia-smi reports them at each sample (<see cref="NvidiaSmiUtilisationParser"/>). A host
/// without nvidia-smi, or one that does not answer within 5 s, has no readings: its samples carry allocation only.
/// </summary>
public sealed class NvidiaSmiGpuReadings(string nvidiaSmiPath, string localNode) : IGpuReadingSource
{
    private bool missing;

    public async Task<IReadOnlyDictionary<(string Node, int Index), GpuReading>> ReadAsync(CancellationToken cancellationToken)
    {
        if (missing)
        {
            return NoGpuReadings.None;
        }

        try
        {
            using var process = Process.Start(new ProcessStartInfo(nvidiaSmiPath, NvidiaSmiUtilisationParser.QueryArguments)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (process is null)
            {
                return NoGpuReadings.None;
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            string output;
            try
            {
                output = await process.StandardOutput.ReadToEndAsync(timeout.Token).ConfigureAwait(false);
                await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                process.Kill(entireProcessTree: true);
                return NoGpuReadings.None;
            }

            return process.ExitCode != 0
                ? NoGpuReadings.None
                : NvidiaSmiUtilisationParser.Parse(output).ToImmutableDictionary(r => (localNode, r.Key), r => r.Value);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // Not installed: a CPU-only host; do not try again every minute.
            missing = true;
            return NoGpuReadings.None;
        }
    }
}
