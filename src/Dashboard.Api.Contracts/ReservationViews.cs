using System.Text.Json.Serialization;

namespace Dashboard.Api.Contracts;

/// <summary>
/// An advance reservation as the API shows it: <see cref="Cpu"/> in cores and <see cref="Memory"/> in GiB, times in
/// UTC, <see cref="State"/> one of Pending, Approved, Cancelled. <c>POST /api/v1/reservations</c> takes the same
/// fields (without id, state and bookedBy).
/// </summary>
public sealed record ReservationView(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("reason")] string Reason,
    [property: JsonPropertyName("team")] string Team,
    [property: JsonPropertyName("gpuModel")] string GpuModel,
    [property: JsonPropertyName("gpus")] int Gpus,
    [property: JsonPropertyName("cpu")] decimal Cpu,
    [property: JsonPropertyName("memory")] decimal Memory,
    [property: JsonPropertyName("start")] DateTimeOffset Start,
    [property: JsonPropertyName("end")] DateTimeOffset End,
    [property: JsonPropertyName("recurrence")] string? Recurrence,
    [property: JsonPropertyName("state")] string State,
    [property: JsonPropertyName("bookedBy")] string BookedBy);

/// <summary>
/// What a booking, edit, approval or cancellation did, in words ("reservation 3 booked; running jobs must end first: ..."),
/// and the reservation it was about (<see cref="Id"/>: the new booking's number for a booking).
/// </summary>
public sealed record ReservationActionResult(
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("id")] long? Id = null);

/// <summary>
/// <c>POST /api/v1/reservations/{id}/edit</c>: what to change in a booking; each field left out (or null) keeps the
/// booking's value. <see cref="Start"/> and <see cref="End"/> are ISO 8601 text (UTC when no offset is given).
/// </summary>
public sealed record ReservationEditRequest(
    [property: JsonPropertyName("name")] string? Name = null,
    [property: JsonPropertyName("reason")] string? Reason = null,
    [property: JsonPropertyName("gpus")] int? Gpus = null,
    [property: JsonPropertyName("start")] string? Start = null,
    [property: JsonPropertyName("end")] string? End = null);

/// <summary>
/// <c>POST /api/v1/reservations</c>: a booking to make. <see cref="Start"/> and <see cref="End"/> are ISO 8601 text
/// (UTC when no offset is given); <see cref="Recurrence"/> a five-field cron rule in UTC, or null for one window.
/// </summary>
public sealed record ReservationBookRequest(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("reason")] string Reason,
    [property: JsonPropertyName("team")] string Team,
    [property: JsonPropertyName("gpuModel")] string GpuModel,
    [property: JsonPropertyName("gpus")] int Gpus,
    [property: JsonPropertyName("cpu")] decimal Cpu,
    [property: JsonPropertyName("memory")] decimal Memory,
    [property: JsonPropertyName("start")] string Start,
    [property: JsonPropertyName("end")] string End,
    [property: JsonPropertyName("recurrence")] string? Recurrence);
