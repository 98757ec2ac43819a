using Dashboard.Web.Audit;

namespace Dashboard.Web.Tests.Audit;

public sealed class AuditChangeTests
{
    private const string QuotaBefore =
        "{\"Team\":\"vision\",\"Nominal\":{\"Gpus\":12,\"CpuMillicores\":96000,\"MemoryMiB\":524288,\"IsNegative\":false},"
        + "\"BorrowingLimit\":{\"Gpus\":8,\"CpuMillicores\":64000,\"MemoryMiB\":262144,\"IsNegative\":false},\"FairShareWeight\":1,\"MaxPriority\":1000}";

    [Fact]
    public void Two_objects_show_only_the_fields_that_changed_by_name() =>
        AuditChange.Describe("{\"Role\":\"Member\",\"Teams\":[\"a\"],\"Enabled\":true}", "{\"Role\":\"Admin\",\"Teams\":[\"a\"],\"Enabled\":true,\"New\":1}")
            .Should().Equal("role Member → Admin", "new ∅ → 1");

    [Fact]
    public void A_quota_change_reads_as_named_fields_with_units_and_its_ceiling()
    {
        var after = QuotaBefore.Replace("\"Gpus\":12", "\"Gpus\":6", StringComparison.Ordinal).Replace("\"CpuMillicores\":96000", "\"CpuMillicores\":1000", StringComparison.Ordinal);

        AuditChange.Describe(QuotaBefore, after, "quota.set")
            .Should().Equal("nominal GPUs 12 → 6", "nominal CPU 96 cores → 1 core", "ceiling GPUs 20 → 14", "ceiling CPU 160 cores → 65 cores");
    }

    [Theory]
    [InlineData("job.cancel", "{\"State\":0}", "{\"State\":4}", "state Pending → Cancelled")]
    [InlineData("node.drain", "{\"State\":0}", "{\"State\":1,\"Reason\":\"maintenance\"}", "state Ready → Draining")]
    public void State_numbers_read_as_state_names(string action, string before, string after, string first)
    {
        var lines = AuditChange.Describe(before, after, action);

        lines[0].Should().Be(first);
        lines.Should().NotContain(l => l.Contains("0 →", StringComparison.Ordinal));
    }

    [Fact]
    public void A_new_record_lists_its_fields() =>
        AuditChange.Describe(null, "{\"Name\":\"resnet\",\"Team\":\"vision\",\"Request\":{\"Gpus\":1,\"CpuMillicores\":1500,\"MemoryMiB\":512,\"GpuModel\":null}}")
            .Should().Equal("name resnet", "team vision", "request GPUs 1", "request CPU 1.5 cores", "request memory 512 MiB", "request GPU model ∅");

    [Fact]
    public void Equal_objects_say_no_change() =>
        AuditChange.Describe("{\"a\":1}", "{\"a\":1}").Should().Equal("no change");

    [Fact]
    public void Non_objects_show_both_values() =>
        AuditChange.Describe("\"x\"", "[1]").Should().Equal("\"x\" → [1]");

    [Fact]
    public void Nothing_on_either_side_shows_nothing() =>
        AuditChange.Describe(null, null).Should().BeEmpty();
}
