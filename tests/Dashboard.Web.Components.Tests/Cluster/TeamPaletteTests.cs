using Dashboard.Web.Cluster;

namespace Dashboard.Web.Components.Tests.Cluster;

public sealed class TeamPaletteTests
{
    [Fact]
    public void Every_two_palette_colours_stay_plainly_different_with_each_kind_of_colour_blindness()
    {
        var colours = TeamPalette.Colours;

        var pairs = colours.SelectMany((a, i) => colours.Skip(i + 1).Select(b => (a, b, distance: ColourVision.LeastDistance(a, b))));

        pairs.Should().OnlyContain(p => p.distance >= 15, "a ΔE under 15 in any kind of vision would make two teams hard to tell apart");
        colours.Select(ColourVision.Lightness).Should().OnlyContain(l => l >= 25 && l <= 90, "tiles must show on both the light and the dark theme");
    }

    [Fact]
    public void Nlp_and_speech_are_clearly_distinct()
    {
        var colours = TeamPalette.Assign(["nlp", "speech", "vision"]);

        ColourVision.LeastDistance(colours["nlp"], colours["speech"]).Should().BeGreaterThan(40);
        ColourVision.LeastDistance(colours["nlp"], colours["vision"]).Should().BeGreaterThan(15);
        ColourVision.LeastDistance(colours["speech"], colours["vision"]).Should().BeGreaterThan(15);
    }

    [Theory]
    [InlineData("#F0E442", "#000")]
    [InlineData("#E69F00", "#000")]
    [InlineData("#0072B2", "#fff")]
    [InlineData("#8800EE", "#fff")]
    [InlineData("hsl(120, 60%, 45%)", "#fff")]
    public void A_tiles_text_is_black_on_light_colours_and_white_on_dark_ones(string colour, string text)
    {
        TileStyle.TextOn(colour).Should().Be(text);
        TileStyle.Of(colour, borrowed: false).Should().Be($"background-color: {colour}; color: {text}");
    }
}
