using System.Diagnostics;
using Dashboard.Engine.Execution.Isolation;

namespace Dashboard.Engine.Tests.Execution;

public sealed class UnixUserMappingTests
{
    private static readonly Dictionary<string, UnixAccount> Host = new()
    {
        ["alice"] = new("alice", 1001, 1001),
        ["bsmith"] = new("bsmith", 1002, 1002),
        ["carol-hpc"] = new("carol-hpc", 1003, 1003),
        ["nobody"] = new("nobody", 65534, 65534),
        ["root"] = new("root", 0, 0),
    };

    private static UnixUserMapping Mapping(string? fallback = "nobody", Func<string, string?>? stored = null) =>
        new(new Dictionary<string, string> { ["bob"] = "bsmith", ["carol"] = "bsmith" }, fallback, stored, name => Host.GetValueOrDefault(name));

    [Fact]
    public void An_account_runs_as_the_Unix_user_of_its_name_by_default() =>
        Mapping().Resolve("alice").Should().Be(Host["alice"]);

    [Fact]
    public void The_setting_maps_an_account_to_another_Unix_user() =>
        Mapping().Resolve("bob").Should().Be(Host["bsmith"]);

    [Fact]
    public void The_Unix_user_stored_with_the_account_outranks_the_setting() =>
        Mapping(stored: account => account == "carol" ? "carol-hpc" : null).Resolve("carol").Should().Be(Host["carol-hpc"]);

    [Fact]
    public void An_account_whose_Unix_user_does_not_exist_runs_as_the_fallback_user() =>
        Mapping().Resolve("dave").Should().Be(Host["nobody"]);

    [Fact]
    public void A_job_never_runs_as_root_even_when_its_account_is_named_root() =>
        Mapping().Resolve("root").Uid.Should().NotBe(0);

    [Fact]
    public void Without_a_fallback_such_a_job_is_refused_with_the_reason()
    {
        var resolve = () => Mapping(fallback: "").Resolve("dave");

        resolve.Should().Throw<InvalidOperationException>()
            .WithMessage("account dave maps to Unix user 'dave', which does not exist on this host or is root, and Executor:FallbackUnixUser is empty");
    }

    [Theory]
    [InlineData("alice", true)]
    [InlineData("svc_build-01", true)]
    [InlineData("", false)]
    [InlineData("Alice", false)]
    [InlineData("-rf", false)]
    [InlineData("a b", false)]
    [InlineData("../etc", false)]
    [InlineData("a-name-that-is-much-longer-than-32-chars", false)]
    public void Unix_user_names_are_checked(string name, bool valid) => UnixAccount.IsValidName(name).Should().Be(valid);

    [Fact]
    public void A_passwd_line_gives_the_users_ids() =>
        UnixAccount.FromPasswdLine("nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n").Should().Be(new UnixAccount("nobody", 65534, 65534));

    [Fact]
    public void A_host_user_is_found_with_the_ids_getent_gives()
    {
        using var getent = Process.Start(new ProcessStartInfo("getent", ["passwd", "root"]) { RedirectStandardOutput = true })!;
        var line = getent.StandardOutput.ReadToEnd();
        getent.WaitForExit();

        UnixAccount.Find("root").Should().Be(UnixAccount.FromPasswdLine(line)).And.Be(new UnixAccount("root", 0, 0));
    }

    [Theory]
    [InlineData("no-such-user-here")]
    [InlineData("../etc")]
    public void A_name_that_is_no_host_user_finds_none(string name) => UnixAccount.Find(name).Should().BeNull();
}
