using Dashboard.Web.Hosting;

namespace Dashboard.Web.Tests.Hosting;

public sealed class StartupBannerTests
{
    [Fact]
    public void Names_every_listening_address_and_the_settings_file()
    {
        var lines = StartupBanner.Lines(["http://127.0.0.1:5080", "http://[::1]:5080"], "/srv/dashboard");

        lines.Should().Equal(
            "Compute Dashboard listening on http://127.0.0.1:5080",
            "Compute Dashboard listening on http://[::1]:5080",
            "Settings from /srv/dashboard/appsettings.json");
    }

    [Fact]
    public void States_the_isolation_local_jobs_get()
    {
        var lines = StartupBanner.Lines(["http://127.0.0.1:5080"], "/srv/dashboard", "Owner: each job runs as its owner's Unix user, inside bubblewrap, each job in its own cgroup");

        lines[^1].Should().Be("Local jobs: Owner: each job runs as its owner's Unix user, inside bubblewrap, each job in its own cgroup");
    }
}
