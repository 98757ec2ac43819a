using Dashboard.Data;
using Dashboard.Data.Allocations;
using Dashboard.Data.Jobs;
using Dashboard.Data.Writing;
using Dashboard.Engine.Execution;
using Dashboard.Engine.Execution.Isolation;
using Dashboard.Engine.Feed;
using Dashboard.Engine.Inventory;
using Dashboard.Engine.Loop;
using Dashboard.Engine.Persistence;
using Dashboard.Scheduling.Model;

namespace Dashboard.Web.Hosting;

/// <summary>Wires the engine into the host from appsettings.json: database, inventory, executors, the loop and its feed.</summary>
public static class EngineRegistration
{
    public static IServiceCollection AddComputeEngine(this IServiceCollection services, IConfiguration configuration, string contentRoot)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var database = configuration.GetSection(DatabaseOptions.SectionName).Get<DatabaseOptions>() ?? new DatabaseOptions();
        var dataFolder = Path.GetFullPath(Path.Combine(contentRoot, database.DataFolder));
        database = database with { DataFolder = dataFolder };

        var scheduler = configuration.GetSection("Scheduler");
        var settings = SchedulerSettings.Default with
        {
            FairShareHalfLife = TimeSpan.FromHours(scheduler.GetValue("FairShareHalfLifeHours", SchedulerSettings.Default.FairShareHalfLife.TotalHours)),
            BackfillDepth = scheduler.GetValue("BackfillDepth", SchedulerSettings.Default.BackfillDepth),
            AgeWeight = scheduler.GetValue("AgeWeight", SchedulerSettings.Default.AgeWeight),
            StarvationAfter = TimeSpan.FromHours(scheduler.GetValue("StarvationAfterHours", SchedulerSettings.Default.StarvationAfter.TotalHours)),
            MinRunBeforePreemption = TimeSpan.FromMinutes(scheduler.GetValue("MinRunBeforePreemptionMinutes", SchedulerSettings.Default.MinRunBeforePreemption.TotalMinutes)),
            MaxPreemptionLoss = TimeSpan.FromHours(scheduler.GetValue("MaxPreemptionLossGpuHours", SchedulerSettings.Default.MaxPreemptionLoss.TotalHours)),
            DrainAfter = scheduler.GetValue<double?>("DrainAfterHours") is { } drainHours and >= 0 ? TimeSpan.FromHours(drainHours) : null,
            LendReservedGpus = ReservationLending.From(configuration),
            MaxPreemptionsPerJob = scheduler.GetValue("MaxPreemptionsPerJob", SchedulerSettings.Default.MaxPreemptionsPerJob ?? -1) is var most and >= 0 ? most : null,
        };
        if (settings.AgeWeight < 0 || settings.StarvationAfter <= TimeSpan.Zero || settings.MinRunBeforePreemption < TimeSpan.Zero || settings.MaxPreemptionLoss < TimeSpan.Zero)
        {
            throw new InvalidOperationException("Scheduler settings: AgeWeight, MinRunBeforePreemptionMinutes and MaxPreemptionLossGpuHours must be 0 or more, StarvationAfterHours more than 0.");
        }

        var cluster = configuration.GetSection(ClusterOptions.Section).Get<ClusterOptions>() ?? new ClusterOptions();
        var engine = configuration.GetSection(EngineOptions.Section).Get<EngineOptions>() ?? new EngineOptions();
        var executor = configuration.GetSection(LocalExecutorOptions.Section).Get<LocalExecutorOptions>() ?? new LocalExecutorOptions();
        if (executor.DiskSettingErrors() is { Count: > 0 } diskErrors)
        {
            throw new InvalidOperationException("Executor settings: " + string.Join("; ", diskErrors) + ".");
        }
        var seedTeams = configuration.GetSection(TeamSeedOptions.Section).Get<List<TeamSeedOptions>>() ?? [];
        var jobsRoot = Path.Combine(dataFolder, executor.JobsFolder);
        var recordsRoot = Path.Combine(dataFolder, executor.RecordsFolder);
        var contentRootPath = Path.GetFullPath(contentRoot);

        // Probed once, at start-up: the isolation local jobs get (the banner, the log and the local node's card say which).
        services.AddSingleton(sp =>
        {
            var stored = sp.GetService<IStoredUnixUsers>();
            // The jobs and records folders may be set outside the data folder: hidden wherever they are.
            string[] outside = [.. new[] { jobsRoot, recordsRoot }.Select(Path.GetFullPath).Where(p => !p.StartsWith(Path.GetFullPath(dataFolder) + "/", StringComparison.Ordinal))];
            // The Slurm JWT key mints a token for any user: a file the server reads, never a job.
            string[] slurmKey = configuration["Cluster:Slurm:JwtKeyFile"] is { Length: > 0 } key ? [key] : [];
            return LocalJobIsolation.Detect(executor, [dataFolder, contentRootPath, .. outside, .. slurmKey], stored is null ? null : stored.UnixUserOf, configuration["Cluster:Slurm:SlurmConf"]);
        });
        services.AddSingleton(sp =>
        {
            var isolation = sp.GetRequiredService<LocalJobIsolation>().Choice;
            return new LocalHostInventory(cluster, "Jobs: " + isolation.Description, isolation.Mode == IsolationMode.Refuse);
        });

        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sp => Database.Open(database, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new ClusterWriter(sp.GetRequiredService<Database>()));
        services.AddSingleton<IClusterJournal>(sp => new SqliteClusterJournal(
            sp.GetRequiredService<ClusterWriter>(), sp.GetRequiredService<TimeProvider>(), sp.GetService<Dashboard.Engine.Metrics.EngineMetrics>()));
        services.AddSingleton<IClusterStateSource>(sp => sp.GetServices<ClusterStateSourceLayer>().Aggregate<ClusterStateSourceLayer, IClusterStateSource>(
            new SqliteClusterStateSource(sp.GetRequiredService<Database>(), settings, sp.GetRequiredService<LocalHostInventory>(), [.. seedTeams.Select(t => t.ToQuota())]),
            (source, layer) => layer.Around(sp, source)));
        services.AddSingleton<EngineInbox>();
        services.AddSingleton(sp => new ClusterFeed(sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<ClusterEngine>();
        services.AddSingleton(engine);
        services.AddSingleton<IJobExecutor>(sp =>
        {
            var isolation = sp.GetRequiredService<LocalJobIsolation>();
            var logger = sp.GetRequiredService<ILogger<LocalProcessExecutor>>();
            IsolationLog.InForce(logger, isolation.Choice.Mode, isolation.Choice.Description);
            return new LocalProcessExecutor(
                executor, isolation, jobsRoot, recordsRoot, LocalHostInventory.LocalNodeName(cluster.LocalNode), sp.GetRequiredService<EngineInbox>(), sp.GetRequiredService<TimeProvider>(), logger,
                sp.GetService<Dashboard.Engine.Sessions.SessionEndpoints>(), nodeState: new EngineNodeState(sp.GetRequiredService<ClusterEngine>(), new Dashboard.Data.Nodes.NodeStore(sp.GetRequiredService<Database>())));
        });
        services.AddSingleton<IJobExecutor>(sp => new SimulatedExecutor(sp.GetRequiredService<EngineInbox>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new JobStore(sp.GetRequiredService<Database>()));
        services.AddSingleton(sp => new AllocationStore(sp.GetRequiredService<Database>()));
        services.AddSingleton(sp => new Dashboard.Data.JobControl.JobControlStore(sp.GetRequiredService<Database>()));
        services.AddSingleton(new JobLogs(jobsRoot));
        services.AddSingleton<EngineLoop>();
        services.AddHostedService(sp => sp.GetRequiredService<EngineLoop>());
        services.AddSlurmCluster(configuration, jobsRoot, executor);
        services.AddHostedService(sp => new InventoryRefresher(cluster, sp.GetRequiredService<ClusterEngine>(), sp.GetRequiredService<EngineLoop>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<InventoryRefresher>>(), sp.GetRequiredService<LocalHostInventory>()));
        return services;
    }
}
