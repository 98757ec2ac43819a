using System.Security.Cryptography;
using Microsoft.AspNetCore.Components.Server.ProtectedBrowserStorage;

namespace Dashboard.Web.Components.Submit;

/// <summary>Keeps what is typed into the submit form, so a dropped circuit loses nothing. Only usable once the page is interactive.</summary>
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
        catch (CryptographicException)
        {
            // A draft from before a key change (e.g. the server's keys were reset) cannot be read: start afresh.
            return null;
        }
    }

    public ValueTask SaveAsync(SubmitForm form) => storage.SetAsync(Key, form);

    public ValueTask ClearAsync() => storage.DeleteAsync(Key);
}
