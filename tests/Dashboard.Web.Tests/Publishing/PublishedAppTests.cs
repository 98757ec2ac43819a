using System.Diagnostics;
using System.Net;

namespace Dashboard.Web.Tests.Publishing;

/// <summary>The published app as a deployment runs it: copied output, started as a real process from another folder.</summary>
public sealed class PublishedAppTests(PublishedApp published) : IClassFixture<PublishedApp>
{
    private const string ListeningPrefix = "Compute Dashboard listening on ";
    private const string SettingsPrefix = "Settings from ";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public void The_publish_output_holds_the_settings_and_static_files_and_lies_outside_any_repository()
    {
        File.ReadAllText(Path.Combine(published.Folder, "appsettings.json")).Should().Be(File.ReadAllText(TopLevelFolder.File("appsettings.json")));
        File.ReadAllText(Path.Combine(published.Folder, "wwwroot", "app.css")).Should().Be(File.ReadAllText(TopLevelFolder.File("wwwroot", "app.css")));
        File.Exists(Path.Combine(published.Folder, "Dashboard.Web.dll")).Should().BeTrue();
        for (var folder = new DirectoryInfo(published.Folder); folder is not null; folder = folder.Parent)
        {
            File.Exists(Path.Combine(folder.FullName, "Dashboard.sln")).Should().BeFalse($"{folder.FullName} must not look like the repository, or the test proves nothing");
        }
    }

    [Fact]
    public async Task The_published_app_started_from_another_folder_reads_its_own_settings_serves_its_files_and_becomes_ready()
    {
        var cancel = TestContext.Current.CancellationToken;
        var data = Path.Combine(published.Outside, "data");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = published.Outside,
        };
        foreach (var arg in new[] { Path.Combine(published.Folder, "Dashboard.Web.dll"), "--urls", "http://127.0.0.1:0" })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment.Remove("DASHBOARD_ROOT");
        start.Environment.Remove("DOTNET_ENVIRONMENT");
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Database__DataFolder"] = data;
        start.Environment["Usage__DemoHistoryDays"] = "0";

        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var settings = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, line) =>
        {
            if (line.Data is not { } text)
            {
                return;
            }

            output.Enqueue(text);
            if (text.StartsWith(ListeningPrefix, StringComparison.Ordinal))
            {
                listening.TrySetResult(new Uri(text[ListeningPrefix.Length..]));
            }
            else if (text.StartsWith(SettingsPrefix, StringComparison.Ordinal))
            {
                settings.TrySetResult(text[SettingsPrefix.Length..]);
            }
        };
        process.ErrorDataReceived += (_, line) => output.Enqueue(line.Data ?? string.Empty);
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException($"the published app exited with {process.ExitCode}"));
        process.EnableRaisingEvents = true;
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            Uri address;
            try
            {
                address = await listening.Task.WaitAsync(Patience, cancel);
            }
            catch (Exception error) when (error is TimeoutException or InvalidOperationException)
            {
                throw new InvalidOperationException($"{error.Message}; its output:\n{string.Join('\n', output)}", error);
            }

            (await settings.Task.WaitAsync(Patience, cancel)).Should().Be(Path.Combine(published.Folder, "appsettings.json"));
            using var client = new HttpClient { BaseAddress = address };

            await ReadyAsync(client, output);
            using var health = await client.GetAsync(new Uri("/healthz", UriKind.Relative), cancel);
            (await health.Content.ReadAsStringAsync(cancel)).Should().Be("ok");
            using var css = await client.GetAsync(new Uri("/app.css", UriKind.Relative), cancel);
            css.StatusCode.Should().Be(HttpStatusCode.OK, "wwwroot/ was published beside the app");
            css.Content.Headers.ContentType?.MediaType.Should().Be("text/css");
            using var blazor = await client.GetAsync(new Uri("/_framework/blazor.web.js", UriKind.Relative), cancel);
            blazor.StatusCode.Should().Be(HttpStatusCode.OK, "the framework's script is part of the publish output");
            using var login = await client.GetAsync(new Uri("/account/login", UriKind.Relative), cancel);
            login.StatusCode.Should().Be(HttpStatusCode.OK);
            (await login.Content.ReadAsStringAsync(cancel)).Should().Contain("_content/MudBlazor/");
            using var mud = await client.GetAsync(new Uri("/_content/MudBlazor/MudBlazor.min.css", UriKind.Relative), cancel);
            mud.StatusCode.Should().Be(HttpStatusCode.OK, "package assets are part of the publish output");

            File.Exists(Path.Combine(data, "dashboard.db")).Should().BeTrue("the data folder setting from the environment was honoured");
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync(CancellationToken.None).WaitAsync(Patience, CancellationToken.None);
        }
    }

    /// <summary>
    /// Asks /readyz until it answers 200. A separate process offers no event to wait on for its engine's recovery, so
    /// this polls, with one generous overall limit.
    /// </summary>
    private static async Task ReadyAsync(HttpClient client, IEnumerable<string> output)
    {
        var cancel = TestContext.Current.CancellationToken;
        var deadline = Stopwatch.StartNew();
        var last = HttpStatusCode.ServiceUnavailable;
        using var pace = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        while (deadline.Elapsed < Patience)
        {
            using var ready = await client.GetAsync(new Uri("/readyz", UriKind.Relative), cancel);
            last = ready.StatusCode;
            if (last == HttpStatusCode.OK)
            {
                return;
            }

            await pace.WaitForNextTickAsync(cancel);
        }

        last.Should().Be(HttpStatusCode.OK, $"/readyz should answer 200 within {Patience}; the app's output:\n{string.Join('\n', output)}");
    }
}
