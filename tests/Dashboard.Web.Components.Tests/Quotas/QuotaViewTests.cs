using Dashboard.Data.Users;
using Dashboard.Web.Quotas;
using Dashboard.Web.Identity;

namespace Dashboard.Web.Components.Tests.Quotas;

public sealed class QuotaViewTests
{
    [Fact]
    public void Used_borrowed_and_lent_per_team()
    {
        // vision: nominal 8, uses 12 (borrows 4). nlp: nominal 8, uses 2 (6 idle). audio: nominal 4, uses 0 (4 idle).
        // 4 GPUs are borrowed in all; 10 nominal GPUs are idle: nlp lends 4 x 6/10 = 2.4, audio 4 x 4/10 = 1.6 -> 2 and 2.
        var update = new TestCluster()
            .Team("vision", nominalGpus: 8).Team("nlp", nominalGpus: 8).Team("audio", nominalGpus: 4)
            .Node("gpu-01").Node("gpu-02")
            .Run("gpu-01", [0, 1, 2, 3, 4, 5, 6, 7], "vision")
            .Run("gpu-02", [0, 1, 2, 3], "vision", borrowing: true)
            .Run("gpu-02", [4, 5], "nlp")
            .Update();

        var view = QuotaView.Of(update);

        view.Teams.Select(t => (t.Team, t.Gpus.Nominal, t.Gpus.Used, t.Gpus.Borrowed, t.Gpus.Lent)).Should().Equal(
            ("audio", 4L, 0L, 0L, 2L),
            ("nlp", 8L, 2L, 0L, 2L),
            ("vision", 8L, 12L, 4L, 0L));
        view.Teams.Single(t => t.Team == "vision").Borrowing.Should().BeTrue();
        view.Teams.Single(t => t.Team == "vision").Cpu.Used.Should().Be(8_000);
    }

    [Fact]
    public void Nothing_is_lent_when_nobody_borrows_and_borrowing_beyond_idle_quota_is_lent_by_nobody()
    {
        var quiet = new TestCluster().Team("vision", nominalGpus: 4).Team("nlp", nominalGpus: 4).Node("gpu-01").Run("gpu-01", [0], "nlp").Update();
        QuotaView.Of(quiet).Teams.Should().OnlyContain(t => t.Gpus.Lent == 0 && t.Gpus.Borrowed == 0);

        // vision borrows 6 but only nlp's 1 idle GPU is anyone's quota: nlp lends 1, the other 5 are unassigned capacity.
        var busy = new TestCluster().Team("vision", nominalGpus: 2).Team("nlp", nominalGpus: 1).Node("gpu-01")
            .Run("gpu-01", [0, 1, 2, 3, 4, 5, 6, 7], "vision").Update();
        QuotaView.Of(busy).Teams.Select(t => (t.Team, t.Gpus.Borrowed, t.Gpus.Lent)).Should().Equal(("nlp", 0L, 1L), ("vision", 6L, 0L));
    }

    [Theory]
    [InlineData(new long[] { 6, 4 }, 4, new long[] { 2, 2 })]
    [InlineData(new long[] { 1, 1, 1 }, 2, new long[] { 1, 1, 0 })]
    [InlineData(new long[] { 5, 0 }, 5, new long[] { 5, 0 })]
    [InlineData(new long[] { 0, 0 }, 0, new long[] { 0, 0 })]
    [InlineData(new long[] { 3, 7 }, 1, new long[] { 0, 1 })]
    public void Apportions_whole_units_by_largest_remainder(long[] weights, long total, long[] expected) =>
        QuotaView.Apportion(weights, total).Should().Equal(expected);

    [Fact]
    public void A_member_sees_their_teams_and_leads_and_admins_see_all()
    {
        var view = QuotaView.Of(new TestCluster().Team("vision").Team("nlp").Team("audio").Update());

        view.For(new SignedInUser("alice", UserRole.Member, ["vision", "audio"])).Teams.Select(t => t.Team).Should().Equal("audio", "vision");
        view.For(new SignedInUser("dora", UserRole.Member, [])).Teams.Should().BeEmpty();
        view.For(new SignedInUser("lena", UserRole.TeamLead, ["nlp"])).Teams.Select(t => t.Team).Should().Equal("audio", "nlp", "vision");
        view.For(new SignedInUser("root", UserRole.Admin, [])).Teams.Should().HaveCount(3);
    }
}
