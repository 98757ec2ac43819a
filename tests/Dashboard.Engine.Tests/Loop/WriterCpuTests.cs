using Dashboard.Engine.Metrics;

namespace Dashboard.Engine.Tests.Loop;

/// <summary>The benchmark's meter of the writer's thread CPU per batch (<see cref="WriterCpu"/>): off by default, and by part when on.</summary>
[Collection(nameof(WriterCpuTests))]
[CollectionDefinition(nameof(WriterCpuTests), DisableParallelization = true)]
public sealed class WriterCpuTests
{
    [Fact]
    public async Task Batches_are_counted_by_part_only_while_the_meter_is_on()
    {
        await using var engine = await EngineHarness.StartAsync([EngineHarness.SimulatedNode("sim1", gpus: 2)]);
        var before = WriterCpu.Take();
        await engine.SubmitAsync(EngineHarness.Spec(gpus: 1));
        await engine.RoundTripAsync();
        WriterCpu.Enabled.Should().BeFalse("the product never measures itself");
        WriterCpu.Take().Batches.Should().Be(before.Batches, "the meter is off");

        WriterCpu.Enabled = true;
        try
        {
            for (var i = 0; i < 20; i++)
            {
                await engine.SubmitAsync(EngineHarness.Spec(gpus: 1));
            }

            // An answer comes before its batch's last part is counted: once the round trip after it is answered, it is.
            await engine.RoundTripAsync();
        }
        finally
        {
            WriterCpu.Enabled = false;
        }

        var after = WriterCpu.Take();
        (after.Batches - before.Batches).Should().BeGreaterThanOrEqualTo(20, "each submit was answered after its own batch");
        var spent = after.Nanoseconds.Select((n, i) => n - before.Nanoseconds[i]).ToArray();
        spent.Should().OnlyContain(n => n >= 0);
        spent[(int)WriterCpu.Part.Apply].Should().BePositive("20 submits were applied");
        spent[(int)WriterCpu.Part.Commit].Should().BePositive("20 transactions were written");
    }
}
