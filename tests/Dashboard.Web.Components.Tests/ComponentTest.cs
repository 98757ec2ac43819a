using System.Security.Claims;
using Dashboard.Data.Users;
using Dashboard.Engine.Feed;
using Dashboard.Web.Admin;
using Dashboard.Web.Identity;
using Bunit.TestDoubles;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace Dashboard.Web.Components.Tests;

/// <summary>
/// The one fixture every component test derives from, as MudBlazor's own tests do: a bunit context with loose JS
/// interop, MudBlazor's services, an interactive server renderer and a real <see cref="ClusterFeed"/> to publish into.
/// </summary>
public abstract class ComponentTest : BunitContext
{
    /// <summary>How long a test waits for a published update to reach the rendered markup before it fails.</summary>
    protected static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    protected ComponentTest()
        : this(_ => { })
    {
    }

    /// <summary>For fixtures that need more services: <paramref name="addServices"/> runs before anything is resolved.</summary>
    protected ComponentTest(Action<IServiceCollection> addServices)
    {
        ArgumentNullException.ThrowIfNull(addServices);
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddSingleton(Feed);
        Services.AddScoped<ICurrentUser>(_ => User);
        Services.AddSingleton<IClusterAdminCommands>(AdminCommands);
        Services.AddSingleton<INodeStateReasons>(AdminCommands);
        Services.AddSingleton<Dashboard.Web.Elastic.IElasticPoolCommands>(PoolCommands);
        Services.AddSingleton(_ => Notifications.NotificationsDatabase.EmptyInbox());
        Dashboard.Web.Components.Layout.LiveClusterSource.Add(Services); // as Program.cs: the layout's live state, cascaded from the scope
        Auth = this.AddAuthorization();
        SignInAs(new SignedInUser("alice", UserRole.Member, ["vision"]));
        addServices(Services);
        Renderer.SetRendererInfo(new RendererInfo("Server", true));
    }

    /// <summary>Who the rendered components see as signed in (a member of vision unless a test says otherwise).</summary>
    protected SignedInUser User { get; private set; } = null!;

    protected BunitAuthorizationContext Auth { get; }

    /// <summary>Signs <paramref name="user"/> in for components rendered from now on (both the auth state and <see cref="ICurrentUser"/>).</summary>
    protected void SignInAs(SignedInUser user)
    {
        User = user;
        Auth.SetAuthorized(user.Name);
        Auth.SetRoles(user.Role.ToString());
        Auth.SetPolicies(user.Role switch
        {
            UserRole.Admin => new[] { Permissions.AdminPolicy, Permissions.TeamLeadPolicy },
            UserRole.TeamLead => new[] { Permissions.TeamLeadPolicy },
            _ => Array.Empty<string>(),
        });
        Auth.SetClaims([new Claim(ClaimTypes.Role, user.Role.ToString()), .. user.Teams.Select(t => new Claim(SignedInUser.TeamClaim, t))]);
    }

    /// <summary>Clicks the element on the renderer's dispatcher, so a live update cannot re-render it between finding and clicking.</summary>
    protected static Task Click<T>(IRenderedComponent<T> rendered, string selector)
        where T : IComponent => rendered.InvokeAsync(() => rendered.Find(selector).Click());

    /// <summary>Types <paramref name="value"/> into an input (its change event), on the renderer's dispatcher.</summary>
    protected static Task Type<T>(IRenderedComponent<T> rendered, string selector, string value)
        where T : IComponent => Change(rendered, selector, value);

    /// <summary>Sets an input's value (its change event: text, a checkbox's bool, a select's option), on the renderer's dispatcher.</summary>
    protected static Task Change<T, TValue>(IRenderedComponent<T> rendered, string selector, TValue value)
        where T : IComponent => rendered.InvokeAsync(() => rendered.Find(selector).Change(value));

    /// <summary>Stands in for the engine behind the admin pages: what they sent, and what it answers.</summary>
    internal RecordingAdminCommands AdminCommands { get; } = new();

    /// <summary>Stands in for the engine behind the elastic pools' pause toggle.</summary>
    internal RecordingPoolCommands PoolCommands { get; } = new();

    /// <summary>
    /// The engine's feed, on the real clock: it delivers up to five updates back to back, then at most one per coalescing
    /// interval (50 ms with few subscribers).
    /// </summary>
    protected ClusterFeed Feed { get; } = new(TimeProvider.System);
}
