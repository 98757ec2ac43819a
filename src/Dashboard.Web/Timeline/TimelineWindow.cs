using System.Collections.Immutable;
using System.Globalization;

namespace Dashboard.Web.Timeline;

/// <summary>The stretch of time the timeline draws: from <see cref="From"/> (now) for <see cref="Span"/>.</summary>
public sealed record TimelineWindow(DateTimeOffset From, TimeSpan Span)
{
    /// <summary>The zoom levels people pick, by the name the page's address carries (<c>/timeline?span=3d</c>).</summary>
    public static ImmutableArray<TimelineSpan> Spans { get; } =
    [
        new("6h", "6 hours", TimeSpan.FromHours(6), TimeSpan.FromHours(1)),
        new("24h", "24 hours", TimeSpan.FromHours(24), TimeSpan.FromHours(3)),
        new("3d", "3 days", TimeSpan.FromDays(3), TimeSpan.FromHours(12)),
        new("7d", "Week", TimeSpan.FromDays(7), TimeSpan.FromDays(1)),
    ];

    public static TimelineSpan DefaultSpan => Spans[1];

    public DateTimeOffset To => From + Span;

    /// <summary>The zoom level named <paramref name="name"/>, or the default (24 hours) for anything else.</summary>
    public static TimelineSpan SpanNamed(string? name) =>
        Spans.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase)) ?? DefaultSpan;

    /// <summary>Where <paramref name="at"/> falls across the window, in percent (clamped to 0..100).</summary>
    public double PercentOf(DateTimeOffset at) =>
        Math.Clamp((at - From).TotalMilliseconds / Span.TotalMilliseconds * 100.0, 0.0, 100.0);

    /// <summary>The time marks: every <paramref name="step"/> after <see cref="From"/>, on whole steps of UTC time.</summary>
    public ImmutableArray<TimelineTick> Ticks(TimeSpan step)
    {
        var first = new DateTimeOffset(From.UtcTicks - (From.UtcTicks % step.Ticks), TimeSpan.Zero) + step;
        var ticks = ImmutableArray.CreateBuilder<TimelineTick>();
        for (var at = first; at < To; at += step)
        {
            var label = at.UtcDateTime.TimeOfDay == TimeSpan.Zero || step >= TimeSpan.FromDays(1)
                ? at.UtcDateTime.ToString("ddd d MMM", CultureInfo.InvariantCulture)
                : at.UtcDateTime.ToString("HH:mm", CultureInfo.InvariantCulture);
            ticks.Add(new TimelineTick(PercentOf(at), label));
        }

        return ticks.ToImmutable();
    }
}

/// <summary>A zoom level: its name in the address, its label, how long it shows, and the distance between time marks.</summary>
public sealed record TimelineSpan(string Name, string Label, TimeSpan Length, TimeSpan TickStep);

/// <summary>A time mark on the axis, at <see cref="Percent"/> of the width.</summary>
public sealed record TimelineTick(double Percent, string Label);
