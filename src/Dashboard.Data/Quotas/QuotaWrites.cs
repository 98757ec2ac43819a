using Dashboard.Data.Writing;
using Dashboard.Scheduling.Model;
using Microsoft.Data.Sqlite;

namespace Dashboard.Data.Quotas;

/// <summary>The write side of teams and team_quotas: setting a quota creates its team when new.</summary>
internal sealed class QuotaWrites : StatementGroup
{
    private const string TeamSql = "INSERT INTO teams (name, created_at) VALUES ($team, $at) ON CONFLICT (name) DO NOTHING";

    private const string QuotaSql = """
        INSERT INTO team_quotas (team, nominal_gpus, nominal_cpu_millicores, nominal_memory_mib,
                                 borrow_gpus, borrow_cpu_millicores, borrow_memory_mib, fair_share_weight, max_priority, updated_at)
        VALUES ($team, $nominal_gpus, $nominal_cpu_millicores, $nominal_memory_mib,
                $borrow_gpus, $borrow_cpu_millicores, $borrow_memory_mib, $fair_share_weight, $max_priority, $at)
        ON CONFLICT (team) DO UPDATE SET
            nominal_gpus = excluded.nominal_gpus,
            nominal_cpu_millicores = excluded.nominal_cpu_millicores,
            nominal_memory_mib = excluded.nominal_memory_mib,
            borrow_gpus = excluded.borrow_gpus,
            borrow_cpu_millicores = excluded.borrow_cpu_millicores,
            borrow_memory_mib = excluded.borrow_memory_mib,
            fair_share_weight = excluded.fair_share_weight,
            max_priority = excluded.max_priority,
            updated_at = excluded.updated_at
        """;

    private readonly PreparedStatement team;
    private readonly PreparedStatement quota;

    public QuotaWrites(SqliteConnection connection)
        : base(connection)
    {
        team = Prepare(TeamSql, "$team", "$at");
        quota = Prepare(
            QuotaSql,
            "$team", "$nominal_gpus", "$nominal_cpu_millicores", "$nominal_memory_mib",
            "$borrow_gpus", "$borrow_cpu_millicores", "$borrow_memory_mib", "$fair_share_weight", "$max_priority", "$at");
    }

    public void Set(TeamQuota value, DateTimeOffset at)
    {
        var stored = UtcTimestamp.ToStored(at);
        team.Bind("$team", value.Team).Bind("$at", stored).Run();
        quota.Bind("$team", value.Team)
            .Bind("$nominal_gpus", (long)value.Nominal.Gpus)
            .Bind("$nominal_cpu_millicores", value.Nominal.CpuMillicores)
            .Bind("$nominal_memory_mib", value.Nominal.MemoryMiB)
            .Bind("$borrow_gpus", (long)value.BorrowingLimit.Gpus)
            .Bind("$borrow_cpu_millicores", value.BorrowingLimit.CpuMillicores)
            .Bind("$borrow_memory_mib", value.BorrowingLimit.MemoryMiB)
            .Bind("$fair_share_weight", value.FairShareWeight)
            .Bind("$max_priority", (long)value.MaxPriority)
            .Bind("$at", stored)
            .Run();
    }
}
