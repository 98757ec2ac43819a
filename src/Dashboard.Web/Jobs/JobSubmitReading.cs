using Dashboard.Web.Jobs;
using Dashboard.Web.Api;

namespace Dashboard.Web.Jobs;

/// <summary>
/// A <c>POST /api/v1/jobs</c> body read into the Submit form's fields, so the API and the form share one reading and
/// one validation (<see cref="SubmitFormMapping.Read"/>, then <see cref="Scheduling.Model.JobSpecValidation"/>): the
/// same input gets the same message under the same field name. The API adds only what JSON brings: types (a number
/// must be a JSON number, text a JSON string), and unknown or repeated fields.
/// </summary>
public static class JobSubmitReading
{
    /// <summary>The fields of <see cref="Dashboard.Api.Contracts.JobSubmitRequest"/>, which are the form's.</summary>
    public static IReadOnlyList<string> Fields => SubmitField.All;

    public static SubmitFormReading Read(JsonObjectBody body, string owner)
    {
        ArgumentNullException.ThrowIfNull(body);
        var form = new SubmitForm
        {
            Name = body.Text(SubmitField.Name, "Name"),
            Command = body.Text(SubmitField.Command, "Command"),
            Team = body.Text(SubmitField.Team, "Team"),
            GpuModel = body.Text(SubmitField.GpuModel, "GPU model"),
            Walltime = body.Text(SubmitField.Walltime, "Walltime"),
            Gpus = body.NumberText(SubmitField.Gpus, "GPUs"),
            Cpu = body.NumberText(SubmitField.Cpu, "CPU"),
            CpuLimit = body.NumberText(SubmitField.CpuLimit, "CPU limit"),
            Memory = body.NumberText(SubmitField.Memory, "Memory"),
            MemoryLimit = body.NumberText(SubmitField.MemoryLimit, "Memory limit"),
            Priority = body.NumberText(SubmitField.Priority, "Priority"),
            Reservation = body.NumberText(SubmitField.Reservation, "Reservation"),
        };
        return SubmitFormMapping.Read(form, owner, body.Errors);
    }
}
