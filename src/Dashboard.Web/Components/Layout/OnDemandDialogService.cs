using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Logging;
using MudBlazor;

namespace Dashboard.Web.Components.Layout;

/// <summary>
/// MudBlazor's dialog service, which first has the layout draw its dialog provider (<see cref="OnDemandProviders"/>)
/// when a dialog is shown: an idle circuit (the Cluster page's) then holds no MudDialogProvider and its two cascading
/// values. Everything else is MudBlazor's <see cref="DialogService"/>; where no layout asks to be told (a page rendered
/// alone), dialogs go to whatever provider is drawn, as before.
/// </summary>
public sealed class OnDemandDialogService(ILogger<DialogService> logger) : IDialogService
{
    private readonly DialogService inner = new(logger);

    /// <summary>Set by the layout: draws the dialog provider and completes once it is drawn (and listening).</summary>
    public Func<Task>? DrawProvider { get; set; }

    public event Func<IDialogReference, Task> DialogInstanceAddedAsync
    {
        add => inner.DialogInstanceAddedAsync += value;
        remove => inner.DialogInstanceAddedAsync -= value;
    }

    public event Action<IDialogReference, DialogResult?>? OnDialogCloseRequested
    {
        add => inner.OnDialogCloseRequested += value;
        remove => inner.OnDialogCloseRequested -= value;
    }

    public async Task<IDialogReference> ShowAsync<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.All)] TComponent>()
        where TComponent : IComponent
    {
        await ProviderAsync();
        return await inner.ShowAsync<TComponent>();
    }

    public async Task<IDialogReference> ShowAsync<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.All)] TComponent>(string? title)
        where TComponent : IComponent
    {
        await ProviderAsync();
        return await inner.ShowAsync<TComponent>(title);
    }

    public async Task<IDialogReference> ShowAsync<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.All)] TComponent>(string? title, DialogOptions options)
        where TComponent : IComponent
    {
        await ProviderAsync();
        return await inner.ShowAsync<TComponent>(title, options);
    }

    public async Task<IDialogReference> ShowAsync<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.All)] TComponent>(DialogOptions options)
        where TComponent : IComponent
    {
        await ProviderAsync();
        return await inner.ShowAsync<TComponent>(options);
    }

    public async Task<IDialogReference> ShowAsync<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.All)] TComponent>(DialogParameters parameters)
        where TComponent : IComponent
    {
        await ProviderAsync();
        return await inner.ShowAsync<TComponent>(parameters);
    }

    public async Task<IDialogReference> ShowAsync<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.All)] TComponent>(string? title, DialogParameters parameters)
        where TComponent : IComponent
    {
        await ProviderAsync();
        return await inner.ShowAsync<TComponent>(title, parameters);
    }

    public async Task<IDialogReference> ShowAsync<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.All)] TComponent>(string? title, DialogParameters parameters, DialogOptions? options)
        where TComponent : IComponent
    {
        await ProviderAsync();
        return await inner.ShowAsync<TComponent>(title, parameters, options);
    }

    public async Task<IDialogReference> ShowAsync<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.All)] TComponent>(DialogParameters parameters, DialogOptions options)
        where TComponent : IComponent
    {
        await ProviderAsync();
        return await inner.ShowAsync<TComponent>(parameters, options);
    }

    public async Task<IDialogReference> ShowAsync([DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.All)] Type component)
    {
        await ProviderAsync();
        return await inner.ShowAsync(component);
    }

    public async Task<IDialogReference> ShowAsync([DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.All)] Type component, string? title)
    {
        await ProviderAsync();
        return await inner.ShowAsync(component, title);
    }

    public async Task<IDialogReference> ShowAsync([DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.All)] Type component, string? title, DialogOptions options)
    {
        await ProviderAsync();
        return await inner.ShowAsync(component, title, options);
    }

    public async Task<IDialogReference> ShowAsync([DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.All)] Type component, string? title, DialogParameters parameters)
    {
        await ProviderAsync();
        return await inner.ShowAsync(component, title, parameters);
    }

    public async Task<IDialogReference> ShowAsync([DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.All)] Type component, string? title, DialogParameters parameters, DialogOptions options)
    {
        await ProviderAsync();
        return await inner.ShowAsync(component, title, parameters, options);
    }

    public IDialogReference CreateReference() => inner.CreateReference();

    public async Task<bool?> ShowMessageBoxAsync(string? title, string message, string yesText = "OK", string? noText = null, string? cancelText = null, DialogOptions? options = null)
    {
        await ProviderAsync();
        return await inner.ShowMessageBoxAsync(title, message, yesText, noText, cancelText, options);
    }

    public async Task<bool?> ShowMessageBoxAsync(string? title, MarkupString markupMessage, string yesText = "OK", string? noText = null, string? cancelText = null, DialogOptions? options = null)
    {
        await ProviderAsync();
        return await inner.ShowMessageBoxAsync(title, markupMessage, yesText, noText, cancelText, options);
    }

    public async Task<bool?> ShowMessageBoxAsync(MessageBoxOptions messageBoxOptions, DialogOptions? options = null)
    {
        await ProviderAsync();
        return await inner.ShowMessageBoxAsync(messageBoxOptions, options);
    }

    public void Close(IDialogReference dialog) => inner.Close(dialog);

    public void Close(IDialogReference dialog, DialogResult? result) => inner.Close(dialog, result);

    private Task ProviderAsync() => DrawProvider?.Invoke() ?? Task.CompletedTask;
}
