using Dashboard.Engine.Execution;
using Dashboard.Scheduling.Model;
using Dashboard.Slurm.Execution;
using Dashboard.Slurm.Rest;

namespace Dashboard.Slurm.Tests;

/// <summary>Slurm's job states as the dashboard's ends, with exit codes from Slurm's wait status and readable reasons.</summary>
public sealed class SlurmJobStatesTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    private static SlurmJob Job(string state, int? exitCode, string reason = "None") =>
        new(42, "dash-7-train", state, reason, exitCode, "alice", "node1", "dash", [], "cpu=1,mem=1G", "dashboard job 7", "/jobs/7/output.log");

    [Theory]
    [InlineData(0, 0)]
    [InlineData(768, 3)]
    [InlineData(15, 143)]
    [InlineData(9, 137)]
    public void An_exit_code_is_the_wait_status_code_or_128_plus_the_killing_signal(int status, int code) =>
        SlurmJobStates.ExitCodeOf(status).Should().Be(code);

    [Fact]
    public void Completed_succeeds_failed_carries_its_code_and_the_slurm_job_is_named()
    {
        var job = new JobId(7);
        SlurmJobStates.ExitOf(job, Job("COMPLETED", 0), At).Should().Be(new JobExit(job, 0, At, null));
        var failed = SlurmJobStates.ExitOf(job, Job("FAILED", 768, "NonZeroExitCode"), At);
        failed.ExitCode.Should().Be(3);
        failed.Reason.Should().Be("failed with exit code 3 (Slurm job 42)");
        failed.Requeue.Should().BeFalse();
    }

    [Fact]
    public void Timeout_out_of_memory_and_cancel_say_so_in_words()
    {
        var job = new JobId(7);
        SlurmJobStates.ExitOf(job, Job("TIMEOUT", 15), At).Reason.Should().Be("walltime exceeded: Slurm ended job 42 at its time limit");
        SlurmJobStates.ExitOf(job, Job("OUT_OF_MEMORY", 9), At).Reason.Should().Be("ran out of memory: Slurm ended job 42 at its memory limit");
        SlurmJobStates.ExitOf(job, Job("CANCELLED", 15), At).Reason.Should().Be("cancelled in Slurm (Slurm job 42)");
    }

    [Fact]
    public void A_node_failure_or_a_slurm_preemption_puts_the_job_back_in_the_queue()
    {
        var job = new JobId(7);
        SlurmJobStates.ExitOf(job, Job("NODE_FAIL", null), At).Requeue.Should().BeTrue();
        SlurmJobStates.ExitOf(job, Job("PREEMPTED", 15), At).Requeue.Should().BeTrue();
    }

    [Fact]
    public void A_completing_job_that_exited_by_itself_has_ended_and_one_ended_by_a_signal_or_with_a_reason_waits_for_its_final_state()
    {
        var job = new JobId(7);
        SlurmJobStates.EndWhileCompletingOf(job, Job("COMPLETING", 0), At).Should().Be(new JobExit(job, 0, At, null));
        var failed = SlurmJobStates.EndWhileCompletingOf(job, Job("COMPLETING", 768, "NonZeroExitCode"), At)!;
        failed.ExitCode.Should().Be(3);
        failed.Reason.Should().Be("failed with exit code 3 (Slurm job 42)");

        SlurmJobStates.EndWhileCompletingOf(job, Job("COMPLETING", 15), At).Should().BeNull("a signal: cancelled, walltime or out of memory");
        SlurmJobStates.EndWhileCompletingOf(job, Job("COMPLETING", 9), At).Should().BeNull();
        SlurmJobStates.EndWhileCompletingOf(job, Job("COMPLETING", 0, "TimeLimit"), At).Should().BeNull("Slurm names a reason");
        SlurmJobStates.EndWhileCompletingOf(job, Job("COMPLETING", null), At).Should().BeNull();
        SlurmJobStates.EndWhileCompletingOf(job, Job("RUNNING", 0), At).Should().BeNull();
        SlurmJobStates.EndWhileCompletingOf(job, Job("COMPLETED", 0), At).Should().BeNull("an end in its final state is ExitOf's");
    }

    [Theory]
    [InlineData("PENDING", SlurmJobPhase.Waiting)]
    [InlineData("RUNNING", SlurmJobPhase.Running)]
    [InlineData("COMPLETING", SlurmJobPhase.Running)]
    [InlineData("COMPLETED", SlurmJobPhase.Ended)]
    [InlineData("NODE_FAIL", SlurmJobPhase.Ended)]
    public void Phases(string state, SlurmJobPhase phase) => SlurmJobStates.PhaseOf(Job(state, 0)).Should().Be(phase);
}
