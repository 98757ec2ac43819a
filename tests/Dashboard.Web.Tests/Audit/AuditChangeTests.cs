using Dashboard.Web.Audit;

namespace Dashboard.Web.Tests.Audit;

public sealed class AuditChangeTests
{
    [Fact]
    public void Two_objects_show_only_the_fields_that_changed() =>
        AuditChange.Describe("{\"Role\":\"Member\",\"Teams\":[\"a\"],\"Enabled\":true}", "{\"Role\":\"Admin\",\"Teams\":[\"a\"],\"Enabled\":true,\"New\":1}")
            .Should().Equal("Role: \"Member\" → \"Admin\"", "New: ∅ → 1");

    [Fact]
    public void Equal_objects_say_no_change() =>
        AuditChange.Describe("{\"a\":1}", "{\"a\":1}").Should().Equal("no change");

    [Fact]
    public void Missing_sides_and_non_objects_show_both_values() =>
        AuditChange.Describe(null, "{\"gpus\":2}").Should().Equal("∅ → {\"gpus\":2}");

    [Fact]
    public void Nothing_on_either_side_shows_nothing() =>
        AuditChange.Describe(null, null).Should().BeEmpty();
}
