using Dashboard.Slurm;
using Dashboard.Web.Components.Layout;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Web.Components.Tests;

/// <summary>The shell's line that says Slurm does not answer: shown while it does not, gone when it answers again.</summary>
public sealed class SlurmBannerTests() : ComponentTest(services => services.AddSingleton(new SlurmStatus()))
{
    private static readonly RenderFragment PageBody = builder => builder.AddMarkupContent(0, "<p id=\"body\">page</p>");

    [Fact]
    public void The_banner_appears_while_slurm_is_unreachable_and_goes_when_it_answers_again()
    {
        var status = Services.GetRequiredService<SlurmStatus>();
        var layout = Render<MainLayout>(p => p.Add(l => l.Body, PageBody));
        layout.FindAll("#slurm-unreachable").Should().BeEmpty("Slurm answers");

        status.Failed("slurmrestd at http://head:6820 does not answer: Connection refused", new DateTimeOffset(2026, 12, 7, 1, 2, 3, TimeSpan.Zero));
        layout.WaitForAssertion(() =>
        {
            var banner = layout.Find("#slurm-unreachable").TextContent;
            banner.Should().Contain("Slurm is unreachable since 2026-12-07 01:02:03 UTC").And.Contain("submits wait in the queue").And.Contain("Connection refused");
        }, Patience);
        layout.Find("#body").TextContent.Should().Be("page", "the page is still shown under the banner");

        status.Answered("22.05.8", new Dictionary<string, Dashboard.Slurm.Rest.SlurmNode>());
        layout.WaitForAssertion(() => layout.FindAll("#slurm-unreachable").Should().BeEmpty(), Patience);
    }

    [Fact]
    public void Without_the_slurm_backend_nothing_is_shown()
    {
        using var plain = new PlainShell();
        plain.Render<SlurmBanner>().Markup.Trim().Should().BeEmpty();
    }

    private sealed class PlainShell : ComponentTest;
}
