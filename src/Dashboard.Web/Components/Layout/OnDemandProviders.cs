using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;
using MudBlazor;

namespace Dashboard.Web.Components.Layout;

/// <summary>
/// MudBlazor's popover and snackbar providers, each drawn from the moment the circuit first needs it: the popover
/// provider once a popover is created (a menu opened, a page with a select or a tooltip), the snackbar provider once a
/// snackbar is shown. Both draw what their service holds (the popovers and snackbars created before they were
/// drawn included), so nothing is lost; drawn from the start, they were components, render buffers and JS interop
/// calls held by every idle circuit, the Cluster page's among them, that never opened a popover.
/// </summary>
public sealed class OnDemandProviders : ComponentBase, IPopoverObserver, IDisposable
{
    private bool popovers;
    private bool snackbars;
    private bool disposed;

    [Inject]
    private IPopoverService PopoverService { get; set; } = default!;

    [Inject]
    private ISnackbar Snackbar { get; set; } = default!;

    Guid IPopoverObserver.Id { get; } = Guid.NewGuid();

    /// <summary>Whether the popover provider is drawn (a popover was created in this circuit).</summary>
    public bool DrawsPopovers => popovers;

    /// <summary>Whether the snackbar provider is drawn (a snackbar was shown in this circuit).</summary>
    public bool DrawsSnackbars => snackbars;

    protected override void OnInitialized()
    {
        popovers = PopoverService.ActivePopovers.Any();
        snackbars = Snackbar.ShownSnackbars.Any();
        if (!popovers)
        {
            PopoverService.Subscribe(this);
        }

        if (!snackbars)
        {
            Snackbar.OnSnackbarsUpdated += ShowSnackbars;
        }
    }

    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (popovers)
        {
            builder.OpenComponent<MudPopoverProvider>(0);
            builder.CloseComponent();
        }

        if (snackbars)
        {
            builder.OpenComponent<MudSnackbarProvider>(1);
            builder.CloseComponent();
        }
    }

    // The service is notifying its observers: the provider is drawn (and subscribes) after that, on the renderer's turn.
    Task IPopoverObserver.PopoverCollectionUpdatedNotificationAsync(PopoverHolderContainer container, CancellationToken cancellationToken)
    {
        if (!popovers && container.Operation == PopoverHolderOperation.Create)
        {
            _ = InvokeAsync(async () =>
            {
                await Task.Yield();
                if (!popovers && !disposed)
                {
                    popovers = true;
                    PopoverService.Unsubscribe(this);
                    StateHasChanged();
                }
            });
        }

        return Task.CompletedTask;
    }

    private void ShowSnackbars() => _ = InvokeAsync(async () =>
    {
        await Task.Yield();
        if (!snackbars && !disposed)
        {
            snackbars = true;
            Snackbar.OnSnackbarsUpdated -= ShowSnackbars;
            StateHasChanged();
        }
    });

    public void Dispose()
    {
        disposed = true;
        PopoverService.Unsubscribe(this);
        Snackbar.OnSnackbarsUpdated -= ShowSnackbars;
    }
}
