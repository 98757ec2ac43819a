using System.Net;
using System.Text.Json;
using Dashboard.Data;
using Dashboard.Engine.Loop;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Web.Tests.Operations;

/// <summary>/healthz and /readyz over a real socket: ready only while the database answers and the engine loop runs.</summary>
public sealed class ReadinessTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Ready_with_both_checks_healthy_then_503_naming_the_database_while_its_file_is_gone_and_ready_again_when_it_is_back()
    {
        await using var factory = await StartedAsync();
        using var client = factory.CreateClient();

        var (status, body) = await ReadyzAsync(client);
        status.Should().Be(HttpStatusCode.OK);
        body.GetProperty("status").GetString().Should().Be("Healthy");
        Check(body, "database").Should().Be("Healthy");
        Check(body, "engine").Should().Be("Healthy");

        var file = factory.Services.GetRequiredService<Database>().FilePath;
        var aside = file + ".aside";
        File.Move(file, aside);
        try
        {
            (status, body) = await ReadyzAsync(client);
            status.Should().Be(HttpStatusCode.ServiceUnavailable);
            body.GetProperty("status").GetString().Should().Be("Unhealthy");
            Check(body, "database").Should().Be("Unhealthy");
            Description(body, "database").Should().Contain("missing");
            Check(body, "engine").Should().Be("Healthy");
            using var alive = await client.GetAsync(new Uri("/healthz", UriKind.Relative), TestContext.Current.CancellationToken);
            alive.StatusCode.Should().Be(HttpStatusCode.OK, "the process still answers: alive, not ready");
        }
        finally
        {
            File.Move(aside, file);
        }

        (status, _) = await ReadyzAsync(client);
        status.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Not_ready_while_the_engine_is_still_recovering_its_state_and_ready_once_it_runs()
    {
        var recovery = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var factory = new DashboardFactory
        {
            TestServices = services =>
            {
                var real = services.Last(d => d.ServiceType == typeof(IClusterStateSource)).ImplementationFactory!;
                services.AddSingleton<IClusterStateSource>(sp => new GatedStateSource((IClusterStateSource)real(sp), recovery.Task));
            },
        };
        factory.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        factory.StartServer();
        using var client = factory.CreateClient();

        var (status, body) = await ReadyzAsync(client);
        status.Should().Be(HttpStatusCode.ServiceUnavailable);
        Check(body, "engine").Should().Be("Unhealthy");
        Description(body, "engine").Should().Be("the engine is starting");
        Check(body, "database").Should().Be("Healthy");

        recovery.SetResult();
        await factory.Services.GetRequiredService<EngineLoop>().Started.WaitAsync(Patience, TestContext.Current.CancellationToken);
        (status, _) = await ReadyzAsync(client);
        status.Should().Be(HttpStatusCode.OK);
    }

    private static async Task<DashboardFactory> StartedAsync()
    {
        var factory = new DashboardFactory();
        factory.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        factory.StartServer();
        await factory.Services.GetRequiredService<EngineLoop>().Started.WaitAsync(Patience, TestContext.Current.CancellationToken);
        return factory;
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> ReadyzAsync(HttpClient client)
    {
        using var response = await client.GetAsync(new Uri("/readyz", UriKind.Relative), TestContext.Current.CancellationToken);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement.Clone();
        return (response.StatusCode, body);
    }

    private static string? Check(JsonElement body, string name) =>
        body.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name).GetProperty("status").GetString();

    private static string? Description(JsonElement body, string name) =>
        body.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name).GetProperty("description").GetString();

    /// <summary>Recovers the engine's state only once <paramref name="gate"/> completes.</summary>
    private sealed class GatedStateSource(IClusterStateSource inner, Task gate) : IClusterStateSource
    {
        public async Task<RecoveredState> LoadAsync(CancellationToken cancellationToken)
        {
            await gate.WaitAsync(cancellationToken);
            return await inner.LoadAsync(cancellationToken);
        }
    }
}
