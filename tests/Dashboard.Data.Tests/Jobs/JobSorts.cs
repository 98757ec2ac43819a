using Dashboard.Data.Jobs;

namespace Dashboard.Data.Tests.Jobs;

/// <summary>Every sort column of the job list, both ways: the data of the list's sort theories.</summary>
public static class JobSorts
{
    public static TheoryData<JobSortColumn, bool> All()
    {
        var sorts = new TheoryData<JobSortColumn, bool>();
        foreach (var column in Enum.GetValues<JobSortColumn>())
        {
            sorts.Add(column, true);
            sorts.Add(column, false);
        }

        return sorts;
    }
}
