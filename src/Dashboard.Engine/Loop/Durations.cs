using System.Globalization;

namespace Dashboard.Engine.Loop;

/// <summary>"2 h 30 min", "45 min", "30 s".</summary>
public static class Durations
{
    public static string Describe(TimeSpan duration)
    {
        if (duration.TotalMinutes < 1)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{duration.TotalSeconds:0} s");
        }

        var hours = (int)duration.TotalHours;
        return hours == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{duration.Minutes} min")
            : duration.Minutes == 0
                ? string.Create(CultureInfo.InvariantCulture, $"{hours} h")
                : string.Create(CultureInfo.InvariantCulture, $"{hours} h {duration.Minutes} min");
    }
}
