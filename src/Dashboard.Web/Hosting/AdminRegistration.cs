using Dashboard.Data;
using Dashboard.Data.Nodes;
using Dashboard.Web.Admin;

namespace Dashboard.Web.Hosting;

/// <summary>The services behind the admin quota and node pages.</summary>
public static class AdminRegistration
{
    public static IServiceCollection AddClusterAdmin(this IServiceCollection services)
    {
        services.AddSingleton<IClusterAdminCommands, EngineAdminCommands>();
        services.AddSingleton<INodeStateReasons>(sp => new StoredNodeStateReasons(new NodeStore(sp.GetRequiredService<Database>())));
        services.AddSingleton<IRecordedJobs>(sp => new StoredRecordedJobs(new Dashboard.Data.Jobs.RecordedJobStore(sp.GetRequiredService<Database>())));
        return services;
    }
}
