using Dapper;
using Dashboard.Scheduling.Model;
using Microsoft.Data.Sqlite;

namespace Dashboard.Data.Quotas;

/// <summary>Reads team quotas. Writes go through <see cref="Writing.ClusterWriter"/>.</summary>
public sealed class QuotaStore(Database database)
{
    private const string AllSql = """
        SELECT team AS Team, nominal_gpus AS NominalGpus, nominal_cpu_millicores AS NominalCpuMillicores,
               nominal_memory_mib AS NominalMemoryMiB, borrow_gpus AS BorrowGpus, borrow_cpu_millicores AS BorrowCpuMillicores,
               borrow_memory_mib AS BorrowMemoryMiB, fair_share_weight AS FairShareWeight, max_priority AS MaxPriority
        FROM team_quotas
        """;

    /// <summary>Every team's quota, in ordinal team order.</summary>
    public IReadOnlyList<TeamQuota> All()
    {
        using var connection = database.OpenConnection();
        return All(connection, null);
    }

    public TeamQuota? Find(string team) => All().FirstOrDefault(q => q.Team == team);

    internal static List<TeamQuota> All(SqliteConnection connection, SqliteTransaction? transaction) =>
        [.. connection.Query<QuotaRow>(AllSql, transaction: transaction)
            .Select(r => new TeamQuota(
                r.Team,
                new ResourceAmount(checked((int)r.NominalGpus), r.NominalCpuMillicores, r.NominalMemoryMiB),
                new ResourceAmount(checked((int)r.BorrowGpus), r.BorrowCpuMillicores, r.BorrowMemoryMiB),
                r.FairShareWeight,
                checked((int)r.MaxPriority)))
            .OrderBy(q => q.Team, StringComparer.Ordinal)];

    private sealed class QuotaRow
    {
        public string Team { get; set; } = "";

        public long NominalGpus { get; set; }

        public long NominalCpuMillicores { get; set; }

        public long NominalMemoryMiB { get; set; }

        public long BorrowGpus { get; set; }

        public long BorrowCpuMillicores { get; set; }

        public long BorrowMemoryMiB { get; set; }

        public double FairShareWeight { get; set; }

        public long MaxPriority { get; set; }
    }
}
