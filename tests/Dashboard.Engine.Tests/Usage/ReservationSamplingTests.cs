using System.Collections.Immutable;
using Dashboard.Data.UsageHistory;
using Dashboard.Engine.Usage;
using Dashboard.Scheduling.Model;
using Dashboard.Scheduling.Reservations;
using Microsoft.Extensions.Logging.Abstractions;
using static Dashboard.Engine.Tests.Loop.EngineHarness;

namespace Dashboard.Engine.Tests.Usage;

/// <summary>
/// Reserved time in the per-minute sample: a booking's GPUs are charged to its team while its window is open, those
/// no job of the team runs on as "reserved, idle"; sampled by the sampler on the fake clock in the same write as the
/// utilisation samples.
/// </summary>
public sealed class ReservationSamplingTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 8, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task The_sampler_charges_an_open_booking_to_its_team_with_the_gpus_its_jobs_do_not_use_as_idle()
    {
        await using var engine = await StartAsync([SimulatedNode("gpu-01", gpus: 8)], [Quota("vision"), Quota("nlp")]);
        var store = new UsageHistoryStore(engine.Database);
        var sampler = new UsageSampler(engine.Feed, store, new NoGpuReadings(), new UsageOptions(), engine.Clock, NullLogger<UsageSampler>.Instance);
        var opens = Start.AddHours(1);
        var booking = new AdvanceReservation(0, "demo day", "live demo", "vision", "A100-80GB", 4, 4_000, 4 * 1024, opens, opens.AddHours(2));
        (await engine.Engine.BookReservationAsync(booking, BookingLimits.Default, byAdmin: false, "lead").WaitAsync(Patience)).Succeeded.Should().BeTrue();
        var member = await engine.SubmitAsync(Spec(gpus: 1, walltime: TimeSpan.FromHours(1)) with { Reservation = 1 });

        var before = await sampler.SampleAsync(engine.Clock.GetUtcNow(), TestContext.Current.CancellationToken);
        before!.Reservations.Should().BeEmpty("the window has not opened");

        await engine.RoundTripAsync();
        engine.Clock.Advance(opens - engine.Clock.GetUtcNow());
        await engine.WaitForStateAsync(member, JobState.Running);
        var open = await sampler.SampleAsync(engine.Clock.GetUtcNow(), TestContext.Current.CancellationToken);
        engine.Clock.Advance(TimeSpan.FromMinutes(1));
        await sampler.SampleAsync(engine.Clock.GetUtcNow(), TestContext.Current.CancellationToken);

        open!.Reservations.Should().Equal(new ReservationSample("vision", opens, 4, 3));
        var points = store.ReservedPoints(null, opens.AddHours(-1), opens.AddHours(1), TimeSpan.FromHours(1));
        points.Should().ContainSingle().Which.Should().Be(new ReservedPoint("vision", opens, 8, 6), "two minutes of 4 reserved GPUs, 3 of them idle");
        store.ReservedPoints(["nlp"], opens.AddHours(-1), opens.AddHours(1), TimeSpan.FromHours(1)).Should().BeEmpty();
    }

    [Fact]
    public void Each_gpu_of_the_team_counts_once_and_gpus_lent_to_another_team_are_idle_for_the_booking_team()
    {
        var node = new Node("gpu-01", [.. Enumerable.Range(0, 8).Select(i => new Gpu(i, "H100", 81_920))], 64_000, 512 * 1024);
        var first = new AdvanceReservation(1, "a", "why", "vision", "H100", 2, 0, 0, Now.AddHours(-1), Now.AddHours(1));
        var second = new AdvanceReservation(2, "b", "why", "vision", "H100", 2, 0, 0, Now.AddHours(-1), Now.AddHours(1));
        var other = new AdvanceReservation(3, "c", "why", "nlp", "H100", 2, 0, 0, Now.AddHours(-1), Now.AddHours(1));
        var later = new AdvanceReservation(4, "d", "why", "nlp", "H100", 2, 0, 0, Now.AddHours(2), Now.AddHours(3));
        var pending = new AdvanceReservation(5, "e", "why", "nlp", "H100", 2, 0, 0, Now.AddHours(-1), Now.AddHours(1), State: ReservationState.Pending);
        var snapshot = new ClusterSnapshot([node], [], PendingQueue.Empty, [Running(1, "vision", 0, 1, 2), Running(2, "lent", 4, 5)], [], SchedulerSettings.Default)
        {
            Reservations = [first, second, other, later, pending],
        };

        var samples = ReservationSampling.Sample(snapshot, Now);

        samples.Should().Equal(new ReservationSample("nlp", Now, 2, 2), new ReservationSample("vision", Now, 4, 1));
    }

    private static RunningJob Running(long id, string team, params int[] gpus)
    {
        var spec = new JobSpec("train", "alice", team, "python train.py", new ResourceRequest(gpus.Length, 1000, 1024));
        var allocation = new GpuAllocation(new JobId(id), "gpu-01", [.. gpus], 1000, 1024, Now.AddMinutes(-5), null);
        return new RunningJob(new Job(new JobId(id), spec, Now.AddMinutes(-6)), allocation, false);
    }
}
