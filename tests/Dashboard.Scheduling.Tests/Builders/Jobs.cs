using Dashboard.Scheduling.Model;

namespace Dashboard.Scheduling.Tests.Builders;

internal static class Jobs
{
    public static JobSpec Spec(
        string team = "a",
        int gpus = 1,
        double cpuCores = 1,
        int memoryGiB = 1,
        TimeSpan? walltime = null,
        int priority = 0,
        string? model = null) =>
        new(
            Name: "train",
            Owner: "alice",
            Team: team,
            Command: "python train.py",
            Request: new ResourceRequest(gpus, ClusterBuilder.Cpu(cpuCores), memoryGiB * Units.MiBPerGiB, model),
            Walltime: walltime,
            Priority: priority);

    public static Job Job(
        long id,
        string team = "a",
        int gpus = 1,
        double cpuCores = 1,
        int memoryGiB = 1,
        TimeSpan? walltime = null,
        int priority = 0,
        DateTimeOffset? submittedAt = null,
        string? model = null) =>
        new(new JobId(id), Spec(team, gpus, cpuCores, memoryGiB, walltime, priority, model), submittedAt ?? Time.Epoch.AddSeconds(id));

    public static JobId Id(long value) => new(value);
}
