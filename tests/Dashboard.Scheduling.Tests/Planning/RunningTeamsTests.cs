using Dashboard.Scheduling.Planning;

namespace Dashboard.Scheduling.Tests.Planning;

/// <summary>Columns after removals (kept as removed positions, not copied) read exactly as flat columns would.</summary>
public sealed class RunningTeamsTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Columns_after_many_removals_read_as_the_flat_columns(int seed)
    {
        var random = new Random(seed);
        var teams = Enumerable.Range(0, 600).Select(_ => random.Next(7)).ToList();
        var ids = Enumerable.Range(0, 600).Select(i => 1_000L + (i * 3)).ToList();
        var columns = new RunningTeams.Columns([.. teams], [.. ids]);

        // Past the point where the removals are made flat again (256), with reads in between.
        for (var step = 0; step < 400; step++)
        {
            var index = random.Next(teams.Count);
            columns = columns.WithoutAt(index);
            teams.RemoveAt(index);
            ids.RemoveAt(index);

            columns.Count.Should().Be(teams.Count);
            var probe = ids[random.Next(ids.Count)];
            columns.IndexOf(probe).Should().Be(ids.IndexOf(probe));
            columns.IndexOf(probe + 1).Should().Be(-1);
            var team = random.Next(8);
            var positions = new List<int>();
            columns.PositionsOf(team, positions);
            positions.Should().Equal(Enumerable.Range(0, teams.Count).Where(i => teams[i] == team));
            if (step % 50 == 0)
            {
                columns.Teams.Should().Equal(teams);
                columns.JobIds.Should().Equal(ids);
            }
        }

        columns.Teams.Should().Equal(teams);
        columns.JobIds.Should().Equal(ids);
    }
}
