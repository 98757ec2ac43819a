using Dashboard.Scheduling.Model;
using Dashboard.Web.Quotas;

namespace Dashboard.Web.Tests.Quotas;

/// <summary>One set of names for a quota: the core's validation, the admin page's form and the API's JSON.</summary>
public sealed class QuotaVocabularyTests
{
    [Fact]
    public void The_form_has_a_field_under_each_name_the_core_validates()
    {
        var everythingWrong = new TeamQuota("vision", new ResourceAmount(-1, -1, -1), new ResourceAmount(-1, -1, -1), 0, 5000);

        var validated = QuotaValidation.Validate(everythingWrong).Select(e => e.Field);

        validated.Should().BeEquivalentTo(QuotaForm.Fields.Select(f => f.Field));
    }

    [Fact]
    public void The_forms_reading_reports_the_cores_messages_under_the_cores_names()
    {
        var form = QuotaForm.ForNewTeam();
        form.TeamName = "vision";
        form[QuotaForm.MaxPriority] = "5000";

        var reading = form.Read(capacity: null, existingTeams: []);

        reading.Errors.Should().ContainKey(QuotaValidation.MaxPriority).WhoseValue.Should().Be("Maximum priority must be between -1000 and 1000.");
    }
}
