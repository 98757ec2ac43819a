using System.Collections.Immutable;
using System.Text.Json;
using Microsoft.Net.Http.Headers;

namespace Dashboard.Web.Api;

/// <summary>
/// A request body read as one JSON object, field by field, so that every way a body can be wrong gets its own clear
/// answer instead of a serializer exception: not JSON (415), too large (413), not valid JSON or not an object (400),
/// a field of the wrong type, a field given twice, or a field the endpoint does not know (422, by field).
/// </summary>
public sealed class JsonObjectBody
{
    /// <summary>The largest body the API reads; a job's command is at most 10,000 characters.</summary>
    public const int MaxBytes = 256 * 1024;

    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 16, AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow };

    private readonly Dictionary<string, JsonElement> fields;
    private readonly Dictionary<string, string> errors = new(StringComparer.Ordinal);

    private JsonObjectBody(Dictionary<string, JsonElement> fields) => this.fields = fields;

    /// <summary>Messages by field for values of the wrong type, repeated fields and unknown fields.</summary>
    public IReadOnlyDictionary<string, string> Errors => errors;

    /// <summary>
    /// Reads the body as a JSON object whose field names (matched case-insensitively, reported as <paramref name="known"/>
    /// spells them) must be among <paramref name="known"/>; or the problem to answer with.
    /// </summary>
    public static async Task<(JsonObjectBody? Body, IResult? Problem)> ReadAsync(HttpRequest request, IReadOnlyList<string> known, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(known);
        if (!IsJson(request.ContentType))
        {
            return (null, ApiProblems.Problem(
                StatusCodes.Status415UnsupportedMediaType,
                "Unsupported content type",
                $"Send the body as JSON with the header Content-Type: application/json (this request said {(string.IsNullOrEmpty(request.ContentType) ? "nothing" : Quote(request.ContentType))})."));
        }

        if (request.ContentLength > MaxBytes)
        {
            return (null, TooLarge());
        }

        byte[] bytes;
        using (var buffer = new MemoryStream())
        {
            var chunk = new byte[16 * 1024];
            int read;
            while ((read = await ReadSomeAsync(request, chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > MaxBytes)
                {
                    return (null, TooLarge());
                }

                buffer.Write(chunk, 0, read);
            }

            if (read < 0)
            {
                return (null, ApiProblems.Problem(StatusCodes.Status400BadRequest, "The body could not be read", "The request's body is malformed (for example a chunked body with a bad chunk size); nothing was changed."));
            }

            bytes = buffer.ToArray();
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes, DocumentOptions);
        }
        catch (JsonException error)
        {
            return (null, ApiProblems.Problem(StatusCodes.Status400BadRequest, "The body is not valid JSON", $"The body is not valid JSON: {error.Message}"));
        }
        catch (ArgumentException error)
        {
            // Invalid UTF-8 surfaces as an ArgumentException from the reader.
            return (null, ApiProblems.Problem(StatusCodes.Status400BadRequest, "The body is not valid JSON", $"The body is not valid UTF-8 JSON: {error.Message}"));
        }

        using (document)
        {
            if (FirstUnreadableText(document.RootElement) is { } where)
            {
                return (null, ApiProblems.Problem(
                    StatusCodes.Status400BadRequest,
                    "The body is not valid JSON",
                    $"The body holds text that is not valid Unicode ({where}): a lone surrogate such as \\ud800, or bytes that are not UTF-8. Nothing was changed."));
            }

            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return (null, ApiProblems.Problem(
                    StatusCodes.Status400BadRequest,
                    "The body must be a JSON object",
                    $"The body must be one JSON object ({{\"name\": ...}}); it was {Describe(document.RootElement.ValueKind)}."));
            }

            var body = new JsonObjectBody(new Dictionary<string, JsonElement>(StringComparer.Ordinal));
            foreach (var property in document.RootElement.EnumerateObject())
            {
                var name = known.FirstOrDefault(k => string.Equals(k, property.Name, StringComparison.OrdinalIgnoreCase));
                if (name is null)
                {
                    body.errors.TryAdd(Truncate(property.Name), $"Unknown field; the fields are {string.Join(", ", known)}.");
                }
                else if (!body.fields.TryAdd(name, property.Value.Clone()))
                {
                    body.errors.TryAdd(name, "This field is given more than once.");
                }
            }

            return (body, null);
        }
    }

    /// <summary>
    /// Reads the next bytes of the body; -1 when the body itself is malformed (Kestrel refuses it, e.g. a chunk size that
    /// is not hexadecimal), so the caller answers 400 instead of letting the exception become a 500.
    /// </summary>
    private static async Task<int> ReadSomeAsync(HttpRequest request, byte[] chunk, CancellationToken cancellationToken)
    {
        try
        {
            return await request.Body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false);
        }
        catch (BadHttpRequestException)
        {
            return -1;
        }
    }

    /// <summary>
    /// Where the document holds a property name or string that cannot become .NET text (a lone surrogate escape, invalid
    /// UTF-8 inside a string: the parser lets both through and only reading the string fails), or null when all read.
    /// </summary>
    private static string? FirstUnreadableText(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return Readable(element.GetString) ? null : "a string value";
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    if (FirstUnreadableText(item) is { } inItem)
                    {
                        return inItem;
                    }
                }

                return null;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (!Readable(() => property.Name))
                    {
                        return "a field name";
                    }

                    if (FirstUnreadableText(property.Value) is not null)
                    {
                        return $"the value of \"{Truncate(property.Name)}\"";
                    }
                }

                return null;
            default:
                return null;
        }
    }

    private static bool Readable(Func<string?> read)
    {
        try
        {
            _ = read();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>True when the field is present with a value other than null.</summary>
    public bool Has(string field) => fields.TryGetValue(field, out var value) && value.ValueKind != JsonValueKind.Null;

    /// <summary>A text field: its value, empty when absent or null; a value of another type is an error.</summary>
    public string Text(string field, string label)
    {
        if (!fields.TryGetValue(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return "";
        }

        if (value.ValueKind == JsonValueKind.String)
        {
            return value.GetString() ?? "";
        }

        errors.TryAdd(field, $"{label} must be text (a JSON string); it was {Describe(value.ValueKind)}.");
        return "";
    }

    /// <summary>A number field as the text it was written with ("2", "0.5", "1e3"), empty when absent or null; another type is an error.</summary>
    public string NumberText(string field, string label)
    {
        if (!fields.TryGetValue(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return "";
        }

        if (value.ValueKind == JsonValueKind.Number)
        {
            return value.GetRawText();
        }

        errors.TryAdd(field, $"{label} must be a number (not in quotes); it was {Describe(value.ValueKind)}.");
        return "";
    }

    /// <summary>Marks <paramref name="field"/> as required when it is absent or null.</summary>
    public void Require(string field, string label)
    {
        if (!Has(field))
        {
            errors.TryAdd(field, $"{label} is required.");
        }
    }

    public ImmutableDictionary<string, string> ErrorsByField() => errors.ToImmutableDictionary(StringComparer.Ordinal);

    private static IResult TooLarge() => ApiProblems.Problem(
        StatusCodes.Status413PayloadTooLarge, "The body is too large", $"The body may be at most {MaxBytes / 1024} KiB.");

    private static bool IsJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var parsed)
        && (parsed.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || (parsed.MediaType.Value?.StartsWith("application/", StringComparison.OrdinalIgnoreCase) == true
                && parsed.MediaType.Value.EndsWith("+json", StringComparison.OrdinalIgnoreCase)))
        && (parsed.Charset.Value is null || parsed.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase));

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "text",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "true or false",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    private static string Quote(string text) => "\"" + Truncate(text) + "\"";

    private static string Truncate(string text) => text.Length <= 100 ? text : text[..100] + "…";
}
