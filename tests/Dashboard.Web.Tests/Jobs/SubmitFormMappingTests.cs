using Dashboard.Scheduling.Model;
using Dashboard.Web.Jobs;

namespace Dashboard.Web.Tests.Jobs;

public sealed class SubmitFormMappingTests
{
    private static SubmitForm Valid() => new()
    {
        Name = "resnet",
        Command = "python train.py",
        Team = "vision",
        Gpus = "2",
        GpuModel = "A100",
        Cpu = "1.5",
        CpuLimit = "4",
        Memory = "0.5",
        MemoryLimit = "",
        Walltime = "2h30m",
        Priority = "-3",
    };

    [Fact]
    public void A_valid_form_reads_as_the_spec_in_the_engines_units()
    {
        var reading = SubmitFormMapping.Read(Valid(), "alice");

        reading.IsValid.Should().BeTrue();
        reading.Spec.Should().BeEquivalentTo(new JobSpec(
            "resnet", "alice", "vision", "python train.py", new ResourceRequest(2, 1500, 512, "A100"), new ResourceLimits(4000, null), TimeSpan.FromMinutes(150), -3));
    }

    [Fact]
    public void Any_model_and_no_limits_and_no_walltime_read_as_none()
    {
        var form = Valid();
        form.GpuModel = "";
        form.CpuLimit = " ";
        form.Walltime = "";

        var spec = SubmitFormMapping.Read(form, "alice").Spec!;

        spec.Request.GpuModel.Should().BeNull();
        spec.Limits.Should().BeNull();
        spec.Walltime.Should().BeNull();
    }

    [Fact]
    public void Text_that_does_not_read_gets_a_message_of_its_own_and_rules_are_validations()
    {
        var form = Valid();
        form.Gpus = "2.5";
        form.Cpu = "lots";
        form.CpuLimit = "1";
        form.Memory = "";
        form.Walltime = "0m";
        form.Name = "  ";

        var reading = SubmitFormMapping.Read(form, "alice");

        reading.IsValid.Should().BeFalse();
        reading.FieldErrors.Should().BeEquivalentTo(new Dictionary<string, string>
        {
            ["gpus"] = "GPUs must be a whole number.",
            ["cpu"] = "CPU must be a number of cores, e.g. 2 or 0.5.",
            ["memory"] = "Memory is required (in GiB).",
            ["walltime"] = "Walltime must be more than 0 and at most 30 days.",
            ["name"] = "Name is required.",
        }, "a limit is not judged against a request that did not read, nor a model against GPUs that did not");
        reading.FormErrors.Should().BeEmpty();
    }

    [Fact]
    public void Every_validation_message_lands_under_the_field_of_the_same_name()
    {
        var form = Valid();
        form.Gpus = "65";
        form.CpuLimit = "1";
        form.Priority = "1001";
        form.Command = new string('x', JobSpecValidation.MaxCommandLength + 1);
        var spec = new JobSpec(form.Name, "alice", form.Team, form.Command, new ResourceRequest(65, 1500, 512, "A100"), new ResourceLimits(1000, null), TimeSpan.FromMinutes(150), 1001);

        var reading = SubmitFormMapping.Read(form, "alice");

        reading.FieldErrors.Should().BeEquivalentTo(JobSpecValidation.Validate(spec).ToDictionary(e => e.Field, e => e.Message));
    }

    [Fact]
    public void An_error_outside_the_form_is_a_form_error()
    {
        var reading = SubmitFormMapping.Read(Valid(), "");

        reading.FormErrors.Should().Equal("Owner is required.");
        reading.FieldErrors.Should().BeEmpty();
    }

    [Fact]
    public void The_what_if_needs_only_the_fields_that_decide_where_and_when()
    {
        var form = Valid();
        form.Name = "";
        form.Command = "";

        SubmitFormMapping.ReadForWhatIf(form, "alice")!.Request.Should().Be(new ResourceRequest(2, 1500, 512, "A100"));
        form.Gpus = "x";
        SubmitFormMapping.ReadForWhatIf(form, "alice").Should().BeNull();
    }

    [Fact]
    public void A_stored_job_fills_the_form_under_the_next_name()
    {
        var spec = new JobSpec("resnet", "bob", "nlp", "run", new ResourceRequest(4, 8500, 1536, "H100"), new ResourceLimits(null, 4096), TimeSpan.FromHours(26), 2);

        var form = SubmitForm.From(spec);

        form.Should().BeEquivalentTo(new SubmitForm
        {
            Name = "resnet-2", Command = "run", Team = "nlp", Gpus = "4", GpuModel = "H100", Cpu = "8.5", CpuLimit = "",
            Memory = "1.5", MemoryLimit = "4", Walltime = "1d2h", Priority = "2",
        });
        SubmitFormMapping.Read(form, "bob").Spec.Should().BeEquivalentTo(spec with { Name = "resnet-2" }, "the form reads back as the job it came from");
    }

    [Theory]
    [InlineData("train", "train-2")]
    [InlineData("train-2", "train-3")]
    [InlineData("run-9-9", "run-9-10")]
    [InlineData("-5", "-5-2")]
    public void Names_of_resubmissions_count_up(string name, string next) => SubmitForm.NextName(name).Should().Be(next);
}
