using Microsoft.AspNetCore.Components;

namespace Dashboard.Web.Components.Layout;

/// <summary>
/// Renders <see cref="ChildContent"/> again only when its parent hands it a different fragment. A
/// <see cref="CascadingValue{TValue}"/> renders its child content again whenever its value changes; wrapped in this, the
/// content (the whole layout: app bar, navigation, theme, tooltips) is left alone and only the components that take the
/// value as a cascading parameter render.
/// </summary>
public sealed class StableContent : IComponent
{
    private RenderHandle renderHandle;
    private RenderFragment? rendered;
    private bool hasRendered;

    [Parameter]
    public RenderFragment? ChildContent { get; set; }

    public void Attach(RenderHandle renderHandle) => this.renderHandle = renderHandle;

    public Task SetParametersAsync(ParameterView parameters)
    {
        parameters.SetParameterProperties(this);
        if (!hasRendered || !ReferenceEquals(rendered, ChildContent))
        {
            hasRendered = true;
            rendered = ChildContent;
            renderHandle.Render(builder => builder.AddContent(0, rendered));
        }

        return Task.CompletedTask;
    }
}
