using Dapper;
using Dashboard.Data.Recovery;
using Dashboard.Data.Writing;
using Dashboard.Scheduling.Model;
using Dashboard.Scheduling.Planning;
using static Dashboard.Data.Tests.TestCluster;

namespace Dashboard.Data.Tests.Recovery;

public sealed class ClusterRecoveryTests : IDisposable
{
    private static readonly SchedulerSettings Settings = SchedulerSettings.Default with { BackfillDepth = 7 };

    private readonly TempDatabase temp = new();
    private readonly Database database;
    private readonly ClusterWriter writer;
    private readonly RecordingCluster cluster = new(Settings);
    private readonly DateTimeOffset t0;

    public ClusterRecoveryTests()
    {
        database = temp.Open();
        writer = new ClusterWriter(database);
        t0 = temp.Time.GetUtcNow();
    }

    public void Dispose()
    {
        writer.Dispose();
        temp.Dispose();
    }

    [Fact]
    public void An_empty_database_recovers_an_empty_cluster()
    {
        var recovered = ClusterRecovery.Load(database, Settings);

        recovered.Snapshot.Nodes.Should().BeEmpty();
        recovered.Snapshot.Pending.Count.Should().Be(0);
        recovered.Snapshot.Running.Should().BeEmpty();
        recovered.Snapshot.Settings.Should().Be(Settings);
        recovered.NextJobId.Should().Be(new JobId(1));
        recovered.Violations.Should().BeEmpty();
    }

    [Fact]
    public void The_state_written_through_the_writer_is_rebuilt_exactly()
    {
        BuildScenario();

        var recovered = ClusterRecovery.Load(database, Settings);

        ShouldMatch(recovered.Snapshot, cluster.Snapshot);
        recovered.NextJobId.Should().Be(new JobId(7));
        recovered.Violations.Should().BeEmpty();
        SnapshotInvariants.Violations(cluster.Snapshot).Should().BeEmpty();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public void Any_sequence_of_cluster_transitions_is_rebuilt_exactly_and_sound(int seed)
    {
        var random = new Random(seed);
        var run = new RandomCluster(cluster, random, t0);
        run.Setup();
        for (var step = 0; step < 300; step++)
        {
            run.Step();
            if (random.Next(4) == 0)
            {
                writer.Write(cluster.TakeChanges());
            }
        }

        run.ReadyEveryNodeAndStartWhatFits();
        writer.Write(cluster.TakeChanges());
        var recovered = ClusterRecovery.Load(database, Settings);

        cluster.Snapshot.Running.Should().NotBeEmpty("the run should end with jobs holding GPUs");
        cluster.Snapshot.Pending.Count.Should().BePositive();
        cluster.Snapshot.Usage.Should().HaveCount(2);
        ShouldMatch(recovered.Snapshot, cluster.Snapshot);
        recovered.NextJobId.Should().Be(new JobId(run.NextId));
        recovered.Violations.Should().BeEmpty();
    }

    [Fact]
    public void A_preemption_count_is_stored_with_the_requeue_and_read_back_for_pending_and_running_jobs()
    {
        BuildScenario();
        cluster.Requeue(new JobId(2), t0.AddMinutes(40));
        writer.Write(cluster.TakeChanges());
        cluster.Start(new JobId(2), Allocation(2, "gpu-02", t0.AddMinutes(41), 3), borrowing: true);
        cluster.Requeue(new JobId(2), t0.AddMinutes(50));
        writer.Write(cluster.TakeChanges());
        cluster.Start(new JobId(2), Allocation(2, "gpu-02", t0.AddMinutes(51), 3), borrowing: true);
        cluster.Requeue(new JobId(1), t0.AddMinutes(52));
        writer.Write(cluster.TakeChanges());

        var recovered = ClusterRecovery.Load(database, Settings);

        recovered.Snapshot.Running.Single(r => r.Job.Id == new JobId(2)).Job.TimesPreempted.Should().Be(2, "job 2 was preempted twice and runs again");
        recovered.Snapshot.Pending.Find(new JobId(1))!.TimesPreempted.Should().Be(1);
        recovered.Snapshot.Pending.Find(new JobId(3))!.TimesPreempted.Should().Be(0);
        ShouldMatch(recovered.Snapshot, cluster.Snapshot);
    }

    [Fact]
    public void A_requeue_that_is_not_a_preemption_leaves_the_stored_count_as_it_was()
    {
        BuildScenario();
        var batch = new List<ClusterChange>
        {
            new AllocationReleased(new JobId(2), t0.AddMinutes(40)),
            new JobStateChanged(new JobId(2), JobState.Running, JobState.Pending, t0.AddMinutes(40), "requeued by alice"),
        };
        writer.Write(batch);

        using var connection = temp.Raw();
        connection.ExecuteScalar<long>("SELECT times_preempted FROM jobs WHERE id = 2").Should().Be(0);
        ClusterRecovery.Load(database, Settings).Snapshot.Pending.Find(new JobId(2))!.TimesPreempted.Should().Be(0);
    }

    [Fact]
    public void A_gpu_allocated_twice_behind_the_schema_is_reported()
    {
        BuildScenario();
        using (var connection = temp.Raw())
        {
            // Job 3 is pending; make it Running on GPU 0 of gpu-01, which job 1 holds, bypassing held_gpus.
            connection.Execute("UPDATE jobs SET state = 'Running' WHERE id = 3");
            connection.Execute("""
                INSERT INTO allocations (job_id, attempt, node, gpu_indices, cpu_millicores, memory_mib, borrowing, started_at)
                VALUES (3, 1, 'gpu-01', '0', 1000, 1024, 0, 0)
                """);
        }

        var violations = ClusterRecovery.Load(database, Settings).Violations;

        violations.Should().Contain("GPU 0 on gpu-01 is held by jobs 1 and 3");
        violations.Should().Contain("GPU 0 on gpu-01 is allocated to job 3 but not marked held");
    }

    [Fact]
    public void Running_jobs_and_allocations_that_disagree_are_reported()
    {
        BuildScenario();
        using (var connection = temp.Raw())
        {
            connection.Execute("UPDATE jobs SET state = 'Pending' WHERE id = 1");
            connection.Execute("UPDATE allocations SET released_at = 0 WHERE job_id = 2");
        }

        var violations = ClusterRecovery.Load(database, Settings).Violations;

        violations.Should().Contain("job 1 holds an allocation but is not Running");
        violations.Should().Contain("job 2 is stored as Running but holds no allocation");
        violations.Should().Contain(v => v.Contains("is marked held by job 1 without a matching allocation"));
    }

    private void BuildScenario()
    {
        cluster.UpsertNode(Node("gpu-01"), t0);
        cluster.UpsertNode(Node("gpu-02", gpus: 4, model: "H100", simulated: true), t0);
        cluster.SetNodeState("gpu-02", NodeState.Draining, "maintenance", t0);
        cluster.SetQuota(Quota("vision", gpus: 2, borrowGpus: 4), t0);
        cluster.SetQuota(Quota("audio", gpus: 4), t0);
        writer.Write(cluster.TakeChanges());

        cluster.Submit(Job(1, t0, "vision", gpus: 2));
        cluster.Submit(Job(2, t0.AddSeconds(1), "vision", gpus: 1));
        cluster.Submit(Job(3, t0.AddSeconds(2), "vision", gpus: 1, priority: 5));
        cluster.Submit(Job(4, t0.AddSeconds(3), "audio", gpus: 4));
        cluster.Submit(Job(5, t0.AddSeconds(4), "audio", gpus: 1));
        cluster.Submit(Job(6, t0.AddSeconds(5), "audio", gpus: 1));
        writer.Write(cluster.TakeChanges());

        cluster.Start(new JobId(1), Allocation(1, "gpu-01", t0.AddMinutes(1), 0, 1), borrowing: false);
        cluster.Start(new JobId(2), Allocation(2, "gpu-02", t0.AddMinutes(1), 3), borrowing: true);
        cluster.Start(new JobId(4), Allocation(4, "gpu-01", t0.AddMinutes(1), 2, 3, 4, 5), borrowing: false);
        cluster.Start(new JobId(5), Allocation(5, "gpu-01", t0.AddMinutes(2), 6), borrowing: false);
        writer.Write(cluster.TakeChanges());

        cluster.End(new JobId(5), JobState.Succeeded, t0.AddMinutes(30), 0);
        cluster.Cancel(new JobId(6), t0.AddMinutes(31));
        cluster.SetQuota(Quota("vision", gpus: 3, borrowGpus: 4), t0.AddMinutes(32));
        writer.Write(cluster.TakeChanges());
    }

    private static void ShouldMatch(ClusterSnapshot actual, ClusterSnapshot expected)
    {
        actual.Nodes.Should().BeEquivalentTo(expected.Nodes, o => o.WithStrictOrdering());
        actual.Quotas.Should().Equal(expected.Quotas);
        actual.Pending.ByTeam.Keys.Should().Equal(expected.Pending.ByTeam.Keys);
        actual.Pending.AllJobs.Should().Equal(expected.Pending.AllJobs);
        actual.Running.OrderBy(r => r.Job.Id).Should().BeEquivalentTo(expected.Running.OrderBy(r => r.Job.Id), o => o.WithStrictOrdering());
        actual.Usage.Should().Equal(expected.Usage);
        actual.Settings.Should().Be(expected.Settings);
    }
}
