using Dashboard.Scheduling.Model;
using Dashboard.Scheduling.Tests.Builders;

namespace Dashboard.Scheduling.Tests.Model;

public sealed class JobSpecValidationTests
{
    private static readonly JobSpec Valid = Jobs.Spec(gpus: 2, cpuCores: 8, memoryGiB: 32, walltime: TimeSpan.FromHours(4));

    private static IReadOnlyList<FieldError> Validate(JobSpec spec) => JobSpecValidation.Validate(spec);

    private static void OnlyError(JobSpec spec, string field, string message) =>
        Validate(spec).Should().Equal(new FieldError(field, message));

    private static JobSpec WithRequest(int gpus = 1, long cpuMillicores = 1000, long memoryMiB = 1024, string? model = null) =>
        Valid with { Request = new ResourceRequest(gpus, cpuMillicores, memoryMiB, model) };

    [Fact]
    public void A_complete_submission_has_no_errors() => Validate(Valid).Should().BeEmpty();

    [Theory]
    [InlineData("name", "Name is required.")]
    [InlineData("owner", "Owner is required.")]
    [InlineData("team", "Team is required.")]
    [InlineData("command", "Command is required.")]
    public void An_empty_text_field_is_required(string field, string message)
    {
        OnlyError(WithText(field, string.Empty), field, message);
        OnlyError(WithText(field, "   "), field, message);
    }

    [Theory]
    [InlineData("name", 200)]
    [InlineData("owner", 200)]
    [InlineData("team", 200)]
    [InlineData("command", 10_000)]
    public void A_text_field_has_a_maximum_length(string field, int maxLength)
    {
        Validate(WithText(field, new string('x', maxLength))).Should().BeEmpty();
        var capitalised = char.ToUpperInvariant(field[0]) + field[1..];
        OnlyError(WithText(field, new string('x', maxLength + 1)), field, $"{capitalised} must be at most {maxLength} characters.");
    }

    [Theory]
    [InlineData("name", "Name")]
    [InlineData("command", "Command")]
    public void A_text_field_may_not_hold_control_characters(string field, string label) =>
        OnlyError(WithText(field, "rm\u0007x"), field, field == "command" ? TextRules.MultiLineProblem(label, "rm\u0007x")! : TextRules.OneLineProblem(label, "rm\u0007x")!);

    [Theory]
    [InlineData("name", "two\r\nlines", "U+000D at position 4")]
    [InlineData("name", "two\nlines", "U+000A at position 4")]
    [InlineData("name", "evil\u202Egnp.exe", "U+202E at position 5")]
    [InlineData("name", "nul\0", "U+0000 at position 4")]
    [InlineData("name", "tab\tname", "U+0009 at position 4")]
    [InlineData("owner", "al\u200Bice", "U+200B at position 3")]
    [InlineData("team", "vision\n", "U+000A at position 7")]
    [InlineData("command", "echo \u202Ehi", "U+202E at position 6")]
    [InlineData("command", "echo safe\rrm -rf ~", "U+000D at position 10")]
    [InlineData("command", "echo \u001B[2J", "U+001B at position 6")]
    public void Line_breaks_nul_and_bidi_overrides_are_refused_by_field_with_where_they_are(string field, string value, string where)
    {
        var error = Validate(WithText(field, value)).Should().ContainSingle().Subject;

        error.Field.Should().Be(field);
        error.Message.Should().Contain("must not contain control or invisible formatting characters").And.EndWith(where + ".");
    }

    [Fact]
    public void A_command_is_a_script_so_it_keeps_line_breaks_tabs_and_the_cr_lf_a_browser_sends() =>
        Validate(WithText("command", "set -e\n\tpython train.py \\\r\n  --epochs 3 # 🚀\n")).Should().BeEmpty();

    [Fact]
    public void A_gpu_model_is_one_line_text_too() =>
        OnlyError(WithRequest(model: "A100\u202E"), "gpuModel", TextRules.OneLineProblem("GPU model", "A100\u202E")!);

    [Fact]
    public void Newlines_and_tabs_are_allowed_in_a_command() =>
        Validate(Valid with { Command = "cd /x\n\tpython train.py\r\n" }).Should().BeEmpty();

    [Fact]
    public void A_missing_request_is_reported() =>
        OnlyError(Valid with { Request = null! }, "request", "Resources are required.");

    [Theory]
    [InlineData(-1)]
    [InlineData(65)]
    public void GPUs_must_be_between_0_and_64(int gpus) =>
        OnlyError(WithRequest(gpus: gpus), "gpus", "GPUs must be between 0 and 64.");

    [Theory]
    [InlineData(0)]
    [InlineData(64)]
    public void Zero_and_64_GPUs_are_accepted(int gpus) => Validate(WithRequest(gpus: gpus)).Should().BeEmpty();

    [Theory]
    [InlineData(0)]
    [InlineData(-1000)]
    [InlineData(1_024_001)]
    public void CPU_must_be_positive_and_at_most_1024_cores(long millicores) =>
        OnlyError(WithRequest(cpuMillicores: millicores), "cpu", "CPU must be more than 0 and at most 1024 cores.");

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(64L * 1024 * 1024 + 1)]
    public void Memory_must_be_positive_and_at_most_64_TiB(long mib) =>
        OnlyError(WithRequest(memoryMiB: mib), "memory", "Memory must be more than 0 and at most 65536 GiB.");

    [Fact]
    public void The_largest_CPU_and_memory_are_accepted() =>
        Validate(WithRequest(cpuMillicores: 1_024_000, memoryMiB: 64L * 1024 * 1024)).Should().BeEmpty();

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void A_blank_GPU_model_is_refused(string model) =>
        OnlyError(WithRequest(model: model), "gpuModel", "GPU model must be empty (any model) or a model name.");

    [Fact]
    public void An_overlong_GPU_model_is_refused() =>
        OnlyError(WithRequest(model: new string('A', 201)), "gpuModel", "GPU model must be empty (any model) or a model name.");

    [Fact]
    public void A_GPU_model_needs_at_least_one_GPU() =>
        OnlyError(WithRequest(gpus: 0, model: "A100"), "gpuModel", "A GPU model needs at least one GPU.");

    [Fact]
    public void A_GPU_model_with_GPUs_is_accepted() => Validate(WithRequest(gpus: 2, model: "A100")).Should().BeEmpty();

    [Fact]
    public void A_CPU_limit_below_the_request_is_refused() =>
        OnlyError(
            WithRequest(cpuMillicores: 8000) with { Limits = new ResourceLimits(CpuMillicores: 4500) },
            "cpuLimit",
            "CPU limit (4.5 cores) must be at least the request (8 cores).");

    [Fact]
    public void A_memory_limit_below_the_request_is_refused() =>
        OnlyError(
            WithRequest(memoryMiB: 32 * 1024) with { Limits = new ResourceLimits(MemoryMiB: 512) },
            "memoryLimit",
            "Memory limit (512 MiB) must be at least the request (32 GiB).");

    [Fact]
    public void Limits_equal_to_or_above_the_requests_are_accepted()
    {
        Validate(WithRequest(cpuMillicores: 8000, memoryMiB: 1024) with { Limits = new ResourceLimits(8000, 1024) }).Should().BeEmpty();
        Validate(WithRequest(cpuMillicores: 8000, memoryMiB: 1024) with { Limits = new ResourceLimits(16000, 4096) }).Should().BeEmpty();
        Validate(WithRequest() with { Limits = new ResourceLimits() }).Should().BeEmpty();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-60)]
    [InlineData(30 * 24 * 3600 + 1)]
    public void Walltime_must_be_positive_and_at_most_30_days(int seconds) =>
        OnlyError(Valid with { Walltime = TimeSpan.FromSeconds(seconds) }, "walltime", "Walltime must be more than 0 and at most 30 days.");

    [Fact]
    public void No_walltime_and_the_longest_walltime_are_accepted()
    {
        Validate(Valid with { Walltime = null }).Should().BeEmpty();
        Validate(Valid with { Walltime = TimeSpan.FromDays(30) }).Should().BeEmpty();
    }

    [Theory]
    [InlineData(-1001)]
    [InlineData(1001)]
    public void Priority_must_be_between_minus_1000_and_1000(int priority) =>
        OnlyError(Valid with { Priority = priority }, "priority", "Priority must be between -1000 and 1000.");

    [Theory]
    [InlineData(-1000)]
    [InlineData(1000)]
    public void The_extreme_priorities_are_accepted(int priority) => Validate(Valid with { Priority = priority }).Should().BeEmpty();

    [Fact]
    public void Every_problem_is_reported_at_once_in_field_order()
    {
        var spec = new JobSpec(
            Name: "",
            Owner: "alice",
            Team: "",
            Command: "run",
            Request: new ResourceRequest(-1, 0, 0),
            Walltime: TimeSpan.Zero,
            Priority: 5000);

        Validate(spec).Select(e => e.Field).Should().Equal("name", "team", "gpus", "cpu", "memory", "walltime", "priority");
    }

    private static JobSpec WithText(string field, string value) => field switch
    {
        "name" => Valid with { Name = value },
        "owner" => Valid with { Owner = value },
        "team" => Valid with { Team = value },
        "command" => Valid with { Command = value },
        _ => throw new ArgumentOutOfRangeException(nameof(field)),
    };
}
