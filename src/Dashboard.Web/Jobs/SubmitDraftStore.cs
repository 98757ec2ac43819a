using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Components.Server.ProtectedBrowserStorage;
using Dashboard.Web.Jobs;
using Microsoft.JSInterop;

namespace Dashboard.Web.Jobs;

/// <summary>
/// Keeps what is typed into the submit form, so a dropped circuit loses nothing. A draft is a convenience: a store
/// that cannot reach the browser loads nothing and keeps nothing, and never fails the page.
/// </summary>
public interface ISubmitDraftStore
{
    ValueTask<SubmitForm?> LoadAsync();

    ValueTask SaveAsync(SubmitForm form);

    ValueTask ClearAsync();
}

/// <summary>The draft in the browser tab's session storage, encrypted by ASP.NET Core data protection.</summary>
public sealed class SessionSubmitDraftStore(ProtectedSessionStorage storage) : ISubmitDraftStore
{
    private const string Key = "submit-draft";

    public async ValueTask<SubmitForm?> LoadAsync()
    {
        try
        {
            var stored = await storage.GetAsync<SubmitForm>(Key).ConfigureAwait(false);
            return stored.Success ? stored.Value : null;
        }
        catch (Exception error) when (Unreachable(error) || error is CryptographicException or JsonException)
        {
            // No browser yet (prerendering), a tab that is gone, or a draft written under other keys: start afresh.
            return null;
        }
    }

    public async ValueTask SaveAsync(SubmitForm form)
    {
        try
        {
            await storage.SetAsync(Key, form).ConfigureAwait(false);
        }
        catch (Exception error) when (Unreachable(error))
        {
            // The tab is gone or not yet reachable: there is nobody to keep the draft for.
        }
    }

    public async ValueTask ClearAsync()
    {
        try
        {
            await storage.DeleteAsync(Key).ConfigureAwait(false);
        }
        catch (Exception error) when (Unreachable(error))
        {
            // As above.
        }
    }

    private static bool Unreachable(Exception error) =>
        error is JSException or JSDisconnectedException or InvalidOperationException or TaskCanceledException;
}
