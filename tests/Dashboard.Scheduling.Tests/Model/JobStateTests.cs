using Dashboard.Scheduling.Model;

namespace Dashboard.Scheduling.Tests.Model;

public sealed class JobStateTests
{
    public static TheoryData<JobState, JobState> LegalChanges => new()
    {
        { JobState.Pending, JobState.Running },
        { JobState.Pending, JobState.Cancelled },
        { JobState.Pending, JobState.Rejected },
        { JobState.Pending, JobState.Failed },
        { JobState.Running, JobState.Succeeded },
        { JobState.Running, JobState.Failed },
        { JobState.Running, JobState.Cancelled },
        { JobState.Running, JobState.TimedOut },
        { JobState.Running, JobState.Pending },
    };

    private static readonly HashSet<(JobState From, JobState To)> Legal =
    [
        (JobState.Pending, JobState.Running),
        (JobState.Pending, JobState.Cancelled),
        (JobState.Pending, JobState.Rejected),
        (JobState.Pending, JobState.Failed),
        (JobState.Running, JobState.Succeeded),
        (JobState.Running, JobState.Failed),
        (JobState.Running, JobState.Cancelled),
        (JobState.Running, JobState.TimedOut),
        (JobState.Running, JobState.Pending),
    ];

    public static TheoryData<JobState, JobState> IllegalChanges
    {
        get
        {
            var data = new TheoryData<JobState, JobState>();
            foreach (var from in Enum.GetValues<JobState>())
            {
                foreach (var to in Enum.GetValues<JobState>())
                {
                    if (!Legal.Contains((from, to)))
                    {
                        data.Add(from, to);
                    }
                }
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(LegalChanges))]
    public void A_legal_change_is_allowed_and_returns_the_new_state(JobState from, JobState to)
    {
        JobStateTransitions.IsLegal(from, to).Should().BeTrue();
        JobStateTransitions.Transition(from, to).Should().Be(to);
        JobStateTransitions.NextStates(from).Should().Contain(to);
    }

    [Theory]
    [MemberData(nameof(IllegalChanges))]
    public void An_illegal_change_throws_and_names_both_states(JobState from, JobState to)
    {
        JobStateTransitions.IsLegal(from, to).Should().BeFalse();
        var change = () => JobStateTransitions.Transition(from, to);
        change.Should().Throw<InvalidOperationException>().WithMessage($"A job cannot go from {from} to {to}.");
    }

    [Theory]
    [InlineData(JobState.Succeeded)]
    [InlineData(JobState.Failed)]
    [InlineData(JobState.Cancelled)]
    [InlineData(JobState.TimedOut)]
    [InlineData(JobState.Rejected)]
    public void Finished_states_are_terminal(JobState state)
    {
        state.IsTerminal().Should().BeTrue();
        JobStateTransitions.NextStates(state).Should().BeEmpty();
    }

    [Theory]
    [InlineData(JobState.Pending)]
    [InlineData(JobState.Running)]
    public void Pending_and_running_are_not_terminal(JobState state) => state.IsTerminal().Should().BeFalse();

    [Fact]
    public void A_job_cannot_stay_in_the_same_state_silently()
    {
        foreach (var state in Enum.GetValues<JobState>())
        {
            JobStateTransitions.IsLegal(state, state).Should().BeFalse($"{state} -> {state} would be a silent no-op");
        }
    }

    [Fact]
    public void A_preempted_job_goes_back_to_pending() =>
        JobStateTransitions.Transition(JobState.Running, JobState.Pending).Should().Be(JobState.Pending);
}
