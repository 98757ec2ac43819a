using Dashboard.Scheduling.Control;
using Dashboard.Scheduling.Tests.Builders;

namespace Dashboard.Scheduling.Tests.Control;

public sealed class SweepGridTests
{
    [Fact]
    public void A_grid_makes_every_combination_the_last_parameter_fastest()
    {
        var points = SweepGrid.Parse("lr=[1e-4,3e-4,1e-3] x seed=[1,2]", out var error);

        error.Should().BeNull();
        points.Select(p => p.Describe()).Should().Equal(
            "lr=1e-4 seed=1", "lr=1e-4 seed=2", "lr=3e-4 seed=1", "lr=3e-4 seed=2", "lr=1e-3 seed=1", "lr=1e-3 seed=2");
        points.Select(p => p.Index).Should().Equal(0, 1, 2, 3, 4, 5);
    }

    [Fact]
    public void A_list_without_brackets_and_semicolons_read_the_same()
    {
        SweepGrid.Parse("lr=1e-4,3e-4; seed=7", out _).Select(p => p.Describe()).Should().Equal("lr=1e-4 seed=7", "lr=3e-4 seed=7");
    }

    [Theory]
    [InlineData("", "names no parameter")]
    [InlineData("lr", "is not a parameter")]
    [InlineData("1lr=[1]", "is not a parameter")]
    [InlineData("lr=[1,,2]", "is not a value of lr")]
    [InlineData("lr=[1;rm -rf /]", "is not a value of lr")]
    [InlineData("lr=[$(reboot)]", "is not a value of lr")]
    [InlineData("lr=[1] x LR=[2]", "parameter LR is named twice")]
    public void A_bad_grid_is_refused_with_the_reason(string grid, string reason)
    {
        SweepGrid.Parse(grid, out var error).Should().BeEmpty();
        error.Should().Contain(reason);
    }

    [Fact]
    public void A_grid_over_the_limit_is_refused()
    {
        var values = string.Join(",", Enumerable.Range(1, 40));
        SweepGrid.Parse($"a=[{values}] x b=[{values}]", out var error).Should().BeEmpty();
        error.Should().Be($"the sweep would make more than {SweepGrid.MaxJobs} jobs");
    }

    [Fact]
    public void Each_job_gets_its_values_and_index_in_environment_variables_and_its_index_in_its_name()
    {
        var point = SweepGrid.Parse("lr=[1e-4,3e-4] x seed=[1,2]", out _)[3];

        var spec = point.Apply(Jobs.Spec(), sweep: 41);

        spec.Name.Should().Be("train[3]");
        spec.Command.Should().Be("export DASH_SWEEP_ID=41 DASH_SWEEP_INDEX=3 LR='3e-4' SEED='2'; python train.py");
    }
}
