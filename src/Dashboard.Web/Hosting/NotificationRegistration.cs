using Dashboard.Api.Contracts;
using Dashboard.Data;
using Dashboard.Data.Notifications;
using Dashboard.Engine.Loop;
using Dashboard.Engine.Notifications;
using Dashboard.Web.Notifications;

namespace Dashboard.Web.Hosting;

/// <summary>
/// Notifications from the "Notifications" section of appsettings.json: the engine participant that writes them with
/// each state change, the delivery worker (email when Notifications:Smtp:Host is set, webhooks always), the bell's and
/// the preferences page's services, and the API under <c>/api/v1/notifications</c>.
/// </summary>
public static class NotificationRegistration
{
    public static IServiceCollection AddNotifications(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = configuration.GetSection(NotificationOptions.Section).Get<NotificationOptions>() ?? new NotificationOptions();
        if (!Uri.TryCreate(options.PublicUrl, UriKind.Absolute, out var publicUrl) || (publicUrl.Scheme != Uri.UriSchemeHttp && publicUrl.Scheme != Uri.UriSchemeHttps))
        {
            throw new InvalidOperationException($"Notifications:PublicUrl must be the dashboard's absolute http(s) address (it makes the links in emails and webhooks); it is '{options.PublicUrl}'.");
        }

        services.AddSingleton(options);
        services.AddSingleton(sp => new NotificationStore(sp.GetRequiredService<Database>()));
        services.AddSingleton(sp => new NotificationOutbox(sp.GetRequiredService<Database>()));
        services.AddSingleton(sp => new NotificationChoiceStore(sp.GetRequiredService<Database>()));
        services.AddSingleton(sp => new NotificationDirectory(sp.GetRequiredService<NotificationChoiceStore>()));
        services.AddSingleton(sp => new WebhookSender(options.Webhooks, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<INotificationSender>(sp => sp.GetRequiredService<WebhookSender>());
        if (options.Smtp.IsConfigured)
        {
            services.AddSingleton<INotificationSender>(new EmailSender(options.Smtp));
        }

        services.AddSingleton(sp => new OutboxDeliveryWorker(
            sp.GetRequiredService<NotificationOutbox>(),
            sp.GetServices<INotificationSender>(),
            options.Delivery,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<OutboxDeliveryWorker>>()));
        services.AddHostedService(sp => sp.GetRequiredService<OutboxDeliveryWorker>());
        services.AddSingleton<EngineParticipant>(sp =>
        {
            var worker = sp.GetRequiredService<OutboxDeliveryWorker>();
            return new NotificationParticipant(sp.GetRequiredService<NotificationDirectory>(), options, worker.Wake, sp.GetRequiredService<Dashboard.Engine.Feed.ClusterFeed>());
        });
        services.AddSingleton<NotificationInbox>();
        services.AddSingleton<NotificationPreferencesEditor>();
        return services;
    }

    /// <summary>Maps <c>/api/v1/notifications</c> (sign-in required, like the rest of the API).</summary>
    public static WebApplication MapNotificationApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGroup(ApiRoutes.Prefix).RequireAuthorization().DisableAntiforgery().MapNotificationEndpoints();
        return app;
    }
}
