using Dashboard.Scheduling.Model;

namespace Dashboard.Scheduling.Tests.Model;

public sealed class TextRulesTests
{
    [Theory]
    [InlineData("resnet-50 (run 2)")]
    [InlineData("Jürgen's naïve run")]
    [InlineData("训练 任务")]
    [InlineData("emoji 🚀 pair")]
    public void Ordinary_text_of_any_script_is_fine_on_one_line(string text) =>
        TextRules.OneLineProblem("Name", text).Should().BeNull();

    [Theory]
    [InlineData("a\u0000b")]
    [InlineData("a\rb")]
    [InlineData("a\nb")]
    [InlineData("a\tb")]
    [InlineData("a\u001Bb")]
    [InlineData("a\u007Fb")]
    [InlineData("a\u0085b")]
    [InlineData("a\u202Eb")]
    [InlineData("a\u2066b")]
    [InlineData("a\u200Eb")]
    [InlineData("a\u200Bb")]
    [InlineData("a\uFEFFb")]
    [InlineData("a\u2028b")]
    [InlineData("a\u2029b")]
    public void Control_format_and_separator_characters_are_refused_on_one_line(string text) =>
        TextRules.OneLineProblem("Name", text).Should().StartWith("Name must not contain").And.EndWith("at position 2.");

    [Fact]
    public void A_lone_surrogate_is_refused_and_a_pair_is_not()
    {
        TextRules.OneLineProblem("Name", "a" + (char)0xD800 + "b").Should().EndWith("U+D800 at position 2.");
        TextRules.OneLineProblem("Name", "a" + (char)0xDC00).Should().EndWith("U+DC00 at position 2.");
        TextRules.MultiLineProblem("Command", "x" + (char)0xD83D).Should().EndWith("U+D83D at position 2.");
        TextRules.OneLineProblem("Name", "a" + (char)0xD83D + (char)0xDE80).Should().BeNull();
    }

    [Fact]
    public void Several_lines_keep_lf_tab_and_cr_lf_but_not_a_lone_cr_nor_a_bidi_override()
    {
        TextRules.MultiLineProblem("Command", "a\n\tb\r\nc").Should().BeNull();
        TextRules.MultiLineProblem("Command", "safe\rrm -rf ~").Should().Contain("U+000D at position 5");
        TextRules.MultiLineProblem("Command", "x\r").Should().Contain("U+000D at position 2");
        TextRules.MultiLineProblem("Command", "if ok \u202E then").Should().Contain("U+202E");
        TextRules.MultiLineProblem("Command", "a\u0000").Should().Contain("U+0000");
    }

    [Theory]
    [InlineData("vision", true)]
    [InlineData("nlp", true)]
    [InlineData("speech", true)]
    [InlineData("research", true)]
    [InlineData("team-2", true)]
    [InlineData("a", true)]
    [InlineData("abcdefghijklmnopqrstuvwxyz012345", true)]
    [InlineData("abcdefghijklmnopqrstuvwxyz0123456", false)]
    [InlineData("Vision", false)]
    [InlineData("2team", false)]
    [InlineData("-team", false)]
    [InlineData("my_team", false)]
    [InlineData("my team", false)]
    [InlineData("vision\n", false)]
    [InlineData("visi\u202Eon", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void Team_names_are_lower_case_letters_digits_and_dashes_starting_with_a_letter(string? name, bool valid) =>
        TextRules.IsTeamName(name).Should().Be(valid);
}
