namespace Dashboard.Web.Components;

/// <summary>
/// What a component last drew, for a <c>ShouldRender</c> that skips a render which would draw the same: a live update
/// that changed nothing a component shows must cost the browser nothing. Blazor's first render does not ask
/// <c>ShouldRender</c>, so the component calls <see cref="FirstDraw"/> from <c>OnParametersSet</c> (which runs before
/// it) to make the first render's state the one drawn.
/// </summary>
public sealed class DrawnState<T>(Func<T, T, bool> same)
{
    private bool drawnOnce;
    private T drawn = default!;

    /// <summary>Notes <paramref name="state"/> as drawn, the first time only (the first render draws it unasked).</summary>
    public void FirstDraw(T state)
    {
        if (!drawnOnce)
        {
            (drawn, drawnOnce) = (state, true);
        }
    }

    /// <summary>For <c>ShouldRender</c>: true (and <paramref name="state"/> noted as drawn) when it differs from what was drawn.</summary>
    public bool Changed(T state)
    {
        if (drawnOnce && same(drawn, state))
        {
            return false;
        }

        (drawn, drawnOnce) = (state, true);
        return true;
    }
}
