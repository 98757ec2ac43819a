using Dashboard.Engine.Feed;
using Dashboard.Web.Components.Layout;
using Microsoft.AspNetCore.Components;

namespace Dashboard.Web.Components.Tests;

/// <summary>The layout's list of live views is what the live views declare, found in the assembly, not kept by hand.</summary>
public sealed class LiveViewsTests
{
    [Fact]
    public void The_live_views_are_the_components_that_take_the_layouts_live_state_each_with_its_own_declaration()
    {
        LiveViews.All.Select(view => view.Type.Name).Should().BeEquivalentTo(["ClusterTotalsBar", "ClusterPage", "LiveQuotas", "NotificationBell"]);
        LiveViews.All.Should().OnlyContain(view => typeof(ILiveView).IsAssignableFrom(view.Type));
    }

    [Fact]
    public void A_component_that_takes_the_live_state_without_saying_what_it_shows_stops_the_start_up_with_its_name()
    {
        var find = () => LiveViews.Find(typeof(LiveViewsTests).Assembly);

        find.Should().Throw<InvalidOperationException>()
            .WithMessage($"*{typeof(UndeclaredLiveView).FullName}*{nameof(ILiveView)}*");
    }

    [Fact]
    public void An_update_that_one_view_shows_differently_is_passed_on_though_every_other_view_shows_it_the_same()
    {
        var before = new TestCluster().Team("vision").Node("gpu-01", gpus: 2).Update(1);
        var pending = new TestCluster().Team("vision").Node("gpu-01", gpus: 2).Pending("vision").Update(2);

        LiveViews.All.Where(view => !view.ShowsSame(before, pending)).Select(view => view.Type.Name)
            .Should().Equal("ClusterTotalsBar");
        LiveClusterState.ShowSame(before, pending).Should().BeFalse();
    }

    /// <summary>Takes the live state but declares nothing: only <see cref="LiveViews.Find"/> over this test assembly sees it.</summary>
    private sealed class UndeclaredLiveView : ComponentBase
    {
        [CascadingParameter]
        public LiveClusterState? Live { get; set; }
    }
}
