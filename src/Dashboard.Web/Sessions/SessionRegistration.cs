using Dashboard.Data;
using Dashboard.Data.Sessions;
using Dashboard.Engine.Loop;
using Dashboard.Engine.Notifications;
using Dashboard.Engine.Execution.Isolation;
using Dashboard.Engine.Sessions;

namespace Dashboard.Web.Sessions;

/// <summary>
/// Interactive sessions from the "Sessions" section of appsettings.json: the types offered, the endpoints the local
/// executor opens, the health watch, the proxy under <c>/sessions/{id}/</c> and the sessions API.
/// </summary>
public static class SessionRegistration
{
    public static IServiceCollection AddSessions(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = configuration.GetSection(SessionSettings.Section).Get<SessionSettings>() ?? new SessionSettings();
        services.AddSingleton(options);
        services.AddSingleton(sp => new SessionTypes(sp.GetRequiredService<SessionSettings>()));
        services.AddSingleton(sp => new SessionEndpoints(sp.GetRequiredService<SessionTypes>(), sp.GetRequiredService<TimeProvider>(), owner => RunAsUid(sp, owner)));
        services.AddSingleton(sp => new SessionHealthWatch(sp.GetRequiredService<SessionEndpoints>(), sp.GetRequiredService<TimeProvider>()));
        services.AddHostedService(sp => sp.GetRequiredService<SessionHealthWatch>());
        services.AddSingleton(sp => new JobNoticeStore(sp.GetRequiredService<Database>()));
        services.AddSingleton(sp => new IdleUsageStore(sp.GetRequiredService<Database>()));
        services.AddSingleton<IdleWatch>();
        services.AddHostedService(sp => sp.GetRequiredService<IdleWatch>());
        services.AddSingleton<SessionViews>();
        services.AddSingleton(sp => new SessionOrigins(sp.GetRequiredService<SessionSettings>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<EngineParticipant>(sp => new IdleNoticeParticipant(
            sp.GetRequiredService<NotificationDirectory>(), sp.GetRequiredService<NotificationOptions>(), sp.GetRequiredService<OutboxDeliveryWorker>().Wake));
        services.AddHttpForwarder();
        return services;
    }

    /// <summary>The uid a session's job runs as where jobs run as mapped Unix users (as the executor resolves it); null: the server's own user.</summary>
    private static int? RunAsUid(IServiceProvider services, string owner)
    {
        try
        {
            return services.GetService<LocalJobIsolation>()?.Users?.Resolve(owner).Uid;
        }
        catch (InvalidOperationException)
        {
            // No user to run as: the executor refuses the start itself.
            return null;
        }
    }

    /// <summary>Sessions' own origins (Sessions:OriginTemplate): first of all, so nothing of the dashboard answers there.</summary>
    public static IApplicationBuilder UseSessionOrigins(this IApplicationBuilder app) => app.UseMiddleware<SessionOriginProxy>();

    /// <summary>The proxy: after sign-in and authorization, before the dashboard's own endpoints.</summary>
    public static IApplicationBuilder UseSessionProxy(this IApplicationBuilder app) => app.UseMiddleware<SessionProxy>();
}
