using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Dashboard.Web.Hosting;
using Microsoft.Extensions.Configuration;

namespace Dashboard.Web.Tests.Hosting;

/// <summary>The conventional settings decide where the server listens; without any, it listens on 127.0.0.1:5080.</summary>
public sealed class ListenAddressesTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(null, null, true)]
    [InlineData("urls", "http://0.0.0.0:8080", false)]
    [InlineData("http_ports", "8080", false)]
    [InlineData("https_ports", "8443", false)]
    [InlineData("Kestrel:Endpoints:Http:Url", "http://127.0.0.1:9000", false)]
    [InlineData("urls", " ", true)]
    public void The_default_applies_only_when_no_conventional_setting_is_given(string? key, string? value, bool none)
    {
        var settings = new Dictionary<string, string?>(StringComparer.Ordinal);
        if (key is not null)
        {
            settings[key] = value;
        }

        ListenAddresses.NoneGiven(new ConfigurationBuilder().AddInMemoryCollection(settings).Build()).Should().Be(none);
    }

    [Fact]
    public void The_repositorys_appsettings_json_names_no_address_so_the_variables_are_not_overridden()
    {
        var settings = new ConfigurationBuilder().AddJsonFile(Path.Combine(RepositoryTop(), "appsettings.json")).Build();

        settings["Urls"].Should().BeNull("a Urls setting in appsettings.json outranks ASPNETCORE_URLS");
        ListenAddresses.NoneGiven(settings).Should().BeTrue();
    }

    [Fact]
    public async Task The_real_app_listens_where_ASPNETCORE_URLS_says()
    {
        var port = FreePort();
        var data = Directory.CreateTempSubdirectory("dashboard-urls-").FullName;
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = data };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Dashboard.Web.dll"));
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Database__DataFolder"] = data;
        start.Environment["Cluster__LocalNode__Enabled"] = "false";
        start.Environment["Cluster__DemoNodes__Count"] = "1";
        start.Environment["Usage__DemoHistoryDays"] = "0";
        start.Environment["ElasticPools__0__MaxNodes"] = "0";
        using var process = Process.Start(start)!;
        var listening = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.OutputDataReceived += (_, line) =>
        {
            if (line.Data is { } text)
            {
                output.Enqueue(text);
                if (text.StartsWith("Compute Dashboard listening on ", StringComparison.Ordinal))
                {
                    listening.TrySetResult(text);
                }
            }
        };
        process.ErrorDataReceived += (_, line) => output.Enqueue(line.Data ?? "");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var exited = process.WaitForExitAsync(Cancel);
            var first = await Task.WhenAny(listening.Task, exited).WaitAsync(TimeSpan.FromSeconds(90), Cancel);
            first.Should().Be(listening.Task, string.Join('\n', output));
            (await listening.Task).Should().Be($"Compute Dashboard listening on http://127.0.0.1:{port}");

            using var client = new HttpClient();
            (await client.GetStringAsync(new Uri($"http://127.0.0.1:{port}/healthz"), Cancel)).Should().Be("ok");
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(Cancel);
            Directory.Delete(data, recursive: true);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string RepositoryTop()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Dashboard.sln")))
            {
                return folder.FullName;
            }
        }

        throw new DirectoryNotFoundException("The repository's top folder was not found above the tests.");
    }
}
