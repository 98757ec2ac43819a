using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;
using MudBlazor;

namespace Dashboard.Web.Components.Layout;

/// <summary>
/// MudBlazor's popover, snackbar and dialog providers, each drawn from the moment the circuit first needs it: the
/// popover provider once a popover is created (a menu opened, a page with a select or a tooltip), the snackbar provider
/// once a snackbar is shown, the dialog provider before a dialog is shown (<see cref="OnDemandDialogService"/> waits for
/// it). The popover and snackbar providers draw what their service holds (the popovers and snackbars created before
/// they were drawn included), so nothing is lost; drawn from the start, the three were components, render buffers and
/// JS interop calls held by every idle circuit, the Cluster page's among them, that never opened any of them. With
/// MudBlazor's own dialog service (no <see cref="OnDemandDialogService"/> registered) the dialog provider is always drawn.
/// </summary>
public sealed class OnDemandProviders : ComponentBase, IPopoverObserver, IDisposable
{
    private bool popovers;
    private bool snackbars;
    private bool dialogs;
    private bool disposed;
    private TaskCompletionSource? dialogsDrawn;

    [Inject]
    private IPopoverService PopoverService { get; set; } = default!;

    [Inject]
    private ISnackbar Snackbar { get; set; } = default!;

    [Inject]
    private IDialogService Dialogs { get; set; } = default!;

    Guid IPopoverObserver.Id { get; } = Guid.NewGuid();

    /// <summary>Whether the popover provider is drawn (a popover was created in this circuit).</summary>
    public bool DrawsPopovers => popovers;

    /// <summary>Whether the snackbar provider is drawn (a snackbar was shown in this circuit).</summary>
    public bool DrawsSnackbars => snackbars;

    /// <summary>Whether the dialog provider is drawn (a dialog was shown in this circuit, or dialogs are not on demand).</summary>
    public bool DrawsDialogs => dialogs;

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

        if (Dialogs is OnDemandDialogService onDemand)
        {
            onDemand.DrawProvider = DrawDialogProviderAsync;
        }
        else
        {
            dialogs = true;
        }
    }

    protected override void OnAfterRender(bool firstRender)
    {
        if (dialogs)
        {
            dialogsDrawn?.TrySetResult();
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

        if (dialogs)
        {
            builder.OpenComponent<MudDialogProvider>(2);
            builder.CloseComponent();
        }
    }

    // Draws the dialog provider (it subscribes to the dialog service as it initialises) and completes once it is drawn.
    private Task DrawDialogProviderAsync() => InvokeAsync(() =>
    {
        if (dialogsDrawn is null)
        {
            dialogsDrawn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (disposed)
            {
                dialogsDrawn.TrySetResult();
            }
            else
            {
                dialogs = true;
                StateHasChanged();
            }
        }

        return dialogsDrawn.Task;
    });

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
        if (Dialogs is OnDemandDialogService onDemand && onDemand.DrawProvider == DrawDialogProviderAsync)
        {
            onDemand.DrawProvider = null;
        }

        dialogsDrawn?.TrySetResult();
    }
}
