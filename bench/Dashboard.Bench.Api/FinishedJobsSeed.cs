namespace Dashboard.Bench.Api;

/// <summary>
/// One statement that writes <c>$count</c> finished jobs (ids 1..count, 30 s apart from <c>$origin</c>, Unix ms):
/// SQLite makes the rows itself from a numbered series, far faster than a million round trips. Eight words make the
/// names and commands (so text search has hits), eight owners, four teams, the finished states in fixed shares. Used
/// by the API's depth bench and the persistence bench's small commits (linked there).
/// </summary>
public static class FinishedJobsSeed
{
    public const string Sql = """
        WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $count),
        w (k, word) AS (VALUES (0, 'train'), (1, 'eval'), (2, 'sweep'), (3, 'resnet'), (4, 'bert'), (5, 'vit'), (6, 'tokenize'), (7, 'finetune'))
        INSERT INTO jobs (id, name, owner, team, command, gpus, cpu_millicores, memory_mib, priority, state, submitted_at, started_at, ended_at, exit_code)
        SELECT i,
            (SELECT word FROM w WHERE k = i % 8) || '-' || (SELECT word FROM w WHERE k = (i / 8) % 8) || '-' || i,
            CASE i % 8 WHEN 0 THEN 'alice' WHEN 1 THEN 'bob' WHEN 2 THEN 'carol' WHEN 3 THEN 'dave' WHEN 4 THEN 'erin' WHEN 5 THEN 'frank' WHEN 6 THEN 'grace' ELSE 'heidi' END,
            CASE (i / 3) % 4 WHEN 0 THEN 'vision' WHEN 1 THEN 'nlp' WHEN 2 THEN 'speech' ELSE 'robotics' END,
            'python ' || (SELECT word FROM w WHERE k = (i / 64) % 8) || '.py --seed ' || i,
            1 << (i % 4), 1000, 1024, 0,
            CASE i % 6 WHEN 0 THEN 'Succeeded' WHEN 1 THEN 'Succeeded' WHEN 2 THEN 'Succeeded' WHEN 3 THEN 'Failed' WHEN 4 THEN 'Cancelled' ELSE 'TimedOut' END,
            $origin + i * 30000, $origin + i * 30000 + 5000, $origin + i * 30000 + 600000,
            CASE WHEN i % 6 < 3 THEN 0 ELSE 1 END
        FROM n
        """;
}
