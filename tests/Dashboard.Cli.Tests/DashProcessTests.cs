using System.Diagnostics;

namespace Dashboard.Cli.Tests;

/// <summary>The built dash as a real child process, as a script runs it: arguments, environment, stdout, stderr, exit code.</summary>
[Collection(nameof(SharedDashServer))]
public sealed class DashProcessTests(DashServer server)
{
    [Fact]
    public async Task The_dash_executable_submits_and_shows_a_job_and_exits_5_on_a_bad_token()
    {
        var submitted = await RunAsync(server.TokenOf("alice"), "submit", "--gpus", "1", "--time", "1h", "--team", "vision", "--", "python", "train.py");
        submitted.ExitCode.Should().Be(0, submitted.ToString());
        submitted.Out.Should().StartWith("Submitted job ");
        var id = submitted.Out["Submitted job ".Length..].Split(' ')[0];

        var shown = await RunAsync(server.TokenOf("alice"), "show", id);
        shown.ExitCode.Should().Be(0, shown.ToString());
        shown.Out.Should().Contain("python train.py");
        (await RunAsync(server.TokenOf("alice"), "cancel", id)).ExitCode.Should().Be(0);

        var refused = await RunAsync("dash_wrong", "ls");
        refused.ExitCode.Should().Be(ExitCodes.Unauthorized);
        refused.Out.Should().BeEmpty();
        refused.Error.Should().StartWith("dash: not signed in");
    }

    private async Task<DashRun> RunAsync(string token, params string[] args)
    {
        var dash = Path.Combine(AppContext.BaseDirectory, "dash.dll");
        File.Exists(dash).Should().BeTrue("the test project references the CLI, so its build is beside the tests");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(dash);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["DASH_SERVER"] = server.Address.ToString();
        start.Environment["DASH_TOKEN"] = token;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        return new DashRun(process.ExitCode, await output, await error);
    }
}
