using Dashboard.Web.Components.Layout;
using Microsoft.AspNetCore.Components;

namespace Dashboard.Web.Components.Tests;

/// <summary>
/// The stored theme choice reaches the layout from the app's routes as a cascading value supplied by the circuit's
/// scope (<see cref="StoredTheme"/>), without a CascadingValue component that every circuit would hold.
/// </summary>
public sealed class StoredThemeTests() : ComponentTest(services => StoredTheme.AddStoredTheme(services))
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void The_routes_hand_the_stored_choice_to_the_layout_without_a_cascading_value_component(bool dark)
    {
        Feed.Publish(new TestCluster().Node("gpu-01").Update());

        var routes = Render<Dashboard.Web.Components.Routes>(p => p.Add(r => r.DarkMode, dark));

        routes.WaitForAssertion(() => routes.FindComponent<SharedThemeProvider>().Instance.IsDarkMode.Should().Be(dark), Patience);
        routes.Find("#theme-toggle-tip").TextContent.Should().Be(dark ? "Light mode" : "Dark mode");
        routes.FindComponents<CascadingValue<bool>>().Should().BeEmpty();
    }
}
