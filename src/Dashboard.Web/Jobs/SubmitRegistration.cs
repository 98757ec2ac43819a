using Dashboard.Web.Jobs;

namespace Dashboard.Web.Jobs;

public static class SubmitRegistration
{
    /// <summary>The submit page's services: the engine and job store behind <see cref="IJobSubmission"/>, and the per-tab draft.</summary>
    public static IServiceCollection AddSubmitForm(this IServiceCollection services)
    {
        services.AddSingleton<IJobSubmission, EngineJobSubmission>();
        services.AddScoped<ISubmitDraftStore, SessionSubmitDraftStore>();
        services.AddSingleton(sp => new Dashboard.Data.Templates.JobTemplateStore(sp.GetRequiredService<Dashboard.Data.Database>()));
        services.AddSingleton<Templates.ISubmitTemplates, Templates.JobTemplates>();
        return services;
    }
}
