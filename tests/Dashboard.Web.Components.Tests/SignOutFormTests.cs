using Dashboard.Web.Components.Layout;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Web.Components.Tests;

/// <summary>
/// The layout's sign-out form carries the antiforgery field exactly as the AntiforgeryToken component draws it, written
/// by the layout itself (one component less held by every circuit).
/// </summary>
public sealed class SignOutFormTests() : ComponentTest(services => services.AddScoped<AntiforgeryStateProvider, FixedAntiforgery>())
{
    [Fact]
    public void The_sign_out_form_carries_the_field_AntiforgeryToken_draws()
    {
        SignInAs(new Dashboard.Web.Identity.SignedInUser("lead", Dashboard.Data.Users.UserRole.TeamLead, ["nlp"]));

        var layout = Render<MainLayout>(p => p.Add(l => l.Body, (RenderFragment)(b => b.AddContent(0, "page"))));

        var form = layout.Find("form#sign-out-form");
        form.Children.Should().ContainSingle();
        var drawnByComponent = Render<AntiforgeryToken>();
        form.InnerHtml.Should().NotBeEmpty();
        layout.Find("form#sign-out-form input").MarkupMatches(drawnByComponent.Markup);
        form.QuerySelector("input")!.GetAttribute("value").Should().Be(FixedAntiforgery.Token.Value);
        layout.FindComponents<AntiforgeryToken>().Should().BeEmpty();
    }

    private sealed class FixedAntiforgery : AntiforgeryStateProvider
    {
        public static readonly AntiforgeryRequestToken Token = new("CfDJ8-token", "__RequestVerificationToken");

        public override AntiforgeryRequestToken? GetAntiforgeryToken() => Token;
    }
}
