using System.Collections.Immutable;
using Dashboard.Engine.Loop;
using Dashboard.Scheduling.Model;
using Dashboard.Scheduling.Planning;
using Dashboard.Scheduling.Reservations;
using Dashboard.Web.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Web.Tests.Hosting;

/// <summary>
/// <c>Reservations:LendReservedGpus</c> reaches the scheduler's settings through the engine's registration, and it
/// decides whether an outside job runs on reserved GPUs that no job of the booking waits for.
/// </summary>
public sealed class ReservationLendingTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 12, 8, 10, 0, 0, TimeSpan.Zero);
    private readonly string folder = Directory.CreateTempSubdirectory("dashboard-lending-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("false", false)]
    [InlineData("true", true)]
    [InlineData("True", true)]
    public async Task The_setting_reaches_the_engines_scheduler_settings(string? value, bool expected)
    {
        await using var provider = Services(value);

        var loaded = await provider.GetRequiredService<IClusterStateSource>().LoadAsync(TestContext.Current.CancellationToken);

        loaded.Snapshot.Settings.LendReservedGpus.Should().Be(expected);
    }

    [Fact]
    public void A_value_that_is_not_a_boolean_stops_the_start_naming_the_key()
    {
        var configuration = Configuration("sometimes");

        var act = () => ReservationLending.From(configuration);

        act.Should().Throw<InvalidOperationException>().WithMessage("Setting Reservations:LendReservedGpus must be true or false, not \"sometimes\".");
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("false", false)]
    public void With_lending_on_an_outside_job_starts_on_reserved_gpus_no_job_of_the_booking_waits_for(string value, bool starts)
    {
        var settings = SchedulerSettings.Default with { LendReservedGpus = ReservationLending.From(Configuration(value)) };
        var snapshot = ReservedCluster(settings);

        var plan = Scheduler.Plan(snapshot, Now);

        plan.Starts.Any(s => s.Job.Id.Value == 1).Should().Be(starts);
    }

    private static ClusterSnapshot ReservedCluster(SchedulerSettings settings)
    {
        var node = new Node("n1", [.. Enumerable.Range(0, 4).Select(i => new Gpu(i, "H100", 81_920))], 64_000, 512 * 1024, NodeState.Ready);
        var quota = new ResourceAmount(4, 64_000, 512 * 1024);
        var outside = new Job(new JobId(1), new JobSpec("outside", "bob", "nlp", "python train.py", new ResourceRequest(4, 1000, 1024)), Now.AddMinutes(-5));
        var booking = new AdvanceReservation(7, "demo day", "live demo", "vision", "H100", 4, 0, 0, Now.AddHours(-1), Now.AddHours(7));
        return new ClusterSnapshot([node], [new TeamQuota("vision", quota, quota), new TeamQuota("nlp", quota, quota)], PendingQueue.From([outside]), [], [], settings)
        {
            Reservations = [booking],
        };
    }

    private static IConfiguration Configuration(string? value) => new ConfigurationBuilder()
        .AddInMemoryCollection(new Dictionary<string, string?> { [ReservationLending.Key] = value }).Build();

    private ServiceProvider Services(string? lend)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:DataFolder"] = folder,
            ["Cluster:LocalNode:Enabled"] = "false",
            ["Cluster:DemoNodes:Enabled"] = "false",
            [ReservationLending.Key] = lend,
        }).Build();
        return new ServiceCollection().AddLogging().AddComputeEngine(configuration, folder).BuildServiceProvider();
    }
}
