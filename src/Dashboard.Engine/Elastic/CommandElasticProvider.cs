using System.Collections.Immutable;
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;

namespace Dashboard.Engine.Elastic;

/// <summary>
/// Runs the pool's configured executable once per call with the request as JSON on stdin and reads the answer from
/// stdout (<see cref="ProviderProtocol"/>). A run longer than the time-out is killed (with its children) and fails.
/// The time-out is real time: it bounds a real process.
/// </summary>
public sealed class CommandElasticProvider(CommandProviderOptions options, string workingFolder) : IElasticProvider
{
    private const int StderrTail = 500;

    public async Task<ImmutableArray<Scheduling.Model.Node>> ProvisionAsync(ProvisionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var stdout = await RunAsync(ProviderProtocol.ProvisionInput(request), cancellationToken).ConfigureAwait(false);
        return ProviderProtocol.ParseProvisioned(stdout, request);
    }

    public async Task ReleaseAsync(ReleaseRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var stdout = await RunAsync(ProviderProtocol.ReleaseInput(request), cancellationToken).ConfigureAwait(false);
        ProviderProtocol.ParseReleased(stdout);
    }

    private async Task<string> RunAsync(string input, CancellationToken cancellationToken)
    {
        // Off the caller's thread (the engine loop arms provider calls) before the process starts.
        await Task.Yield();
        var start = new ProcessStartInfo(options.Executable)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingFolder,
        };
        foreach (var argument in options.Arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Win32Exception error)
        {
            throw new ElasticProviderException($"the provider {options.Executable} could not be started: {error.Message}", error);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Timeout);
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.StandardInput.WriteAsync(input.AsMemory(), timeout.Token).ConfigureAwait(false);
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The provider exited without reading its input; its exit code and output say why.
        }

        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            var output = await stdout.ConfigureAwait(false);
            var errors = await stderr.ConfigureAwait(false);
            if (process.ExitCode != 0 && !output.Contains("\"error\"", StringComparison.Ordinal))
            {
                var tail = errors.Length > StderrTail ? errors[^StderrTail..] : errors;
                throw new ElasticProviderException(string.Create(CultureInfo.InvariantCulture, $"the provider exited with code {process.ExitCode}: {tail.Trim()}"));
            }

            return output;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            throw new ElasticProviderException(string.Create(CultureInfo.InvariantCulture, $"the provider did not answer within {options.Timeout.TotalSeconds:0.#} s and was stopped"));
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
    }
}
