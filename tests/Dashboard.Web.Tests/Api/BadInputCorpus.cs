using System.Globalization;
using System.Text;

namespace Dashboard.Web.Tests.Api;

/// <summary>One generated malformed request: who sends it, what, and which kind of mistake it carries.</summary>
public sealed record CorpusRequest(string Kind, string User, HttpMethod Method, string Path, string? ContentType, byte[]? Body)
{
    public override string ToString() =>
        $"[{Kind}] {User} {Method} {(Path.Length > 120 ? Path[..120] + "…" : Path)} {ContentType} {(Body is null ? "" : Encoding.UTF8.GetString(Body.AsSpan(0, Math.Min(Body.Length, 200))))}";
}

/// <summary>
/// A deterministic (seeded) generator of requests the API must refuse: every request carries at least one mistake
/// that makes it invalid, so none may succeed (no 2xx) and none may fail the server (no 5xx). Kinds: job submits with
/// wrong types, missing and unknown fields, negative, zero and huge numbers, over-long and control-character text,
/// bad walltimes, contradictory limits, requests that can never fit, teams the caller is not in (noise: non-ASCII
/// text); bodies that are not JSON, not objects, too deep, too large or of the wrong content type; unknown and
/// malformed job ids and other users' jobs; bad query strings; bad quota bodies (admins) and quota changes by
/// non-admins; missing and bogus tokens; wrong methods.
/// </summary>
public sealed class BadInputCorpus(int seed, long firstUnknownJobId, long someoneElsesJob, IReadOnlyList<string> users)
{
    private static readonly string[] RequiredSubmitFields = ["name", "command", "team", "cpu", "memory"];
    private static readonly string[] TextFields = ["name", "command", "team", "gpuModel", "walltime"];
    private static readonly string[] NumberFields = ["gpus", "cpu", "cpuLimit", "memory", "memoryLimit", "priority"];
    private static readonly string[] BadWalltimes = ["forever", "-1h", "1h1h", "0s", "31d", "1:75", "h", "12", "1 fortnight", "∞", "1e3h", "2h-30m"];
    private static readonly string[] BadIds = ["0", "-5", "abc", "1.5", "1e3", "%20", "%C3%BC", "9223372036854775808", "00", "+1", "0x10", "..", "%2F"];
    private static readonly string[] QuotaFields = ["nominalGpus", "nominalCpu", "nominalMemory", "borrowingLimitGpus", "borrowingLimitCpu", "borrowingLimitMemory", "fairShareWeight", "maxPriority"];

    private readonly Random random = new(seed);

    public IEnumerable<CorpusRequest> Generate(int count)
    {
        for (var i = 0; i < count; i++)
        {
            yield return (random.Next(100)) switch
            {
                < 45 => BadSubmit(),
                < 55 => BadBody(),
                < 65 => BadJobId(),
                < 75 => BadQuery(),
                < 87 => BadQuota(),
                < 95 => BadCredentials(),
                _ => WrongMethod(),
            };
        }
    }

    private CorpusRequest BadSubmit()
    {
        var user = Pick(users);
        var fields = ValidSubmit(user);
        if (random.Next(3) == 0)
        {
            fields["name"] = Json(Unicode(1 + random.Next(60))); // Noise first (non-ASCII text is fine in itself), so no mistake is undone.
        }

        var mistakes = 1 + random.Next(3);
        var kinds = new List<string>();
        for (var m = 0; m < mistakes; m++)
        {
            kinds.Add(Break(fields, user));
        }

        return Post("submit:" + string.Join("+", kinds.Distinct()), user, "/api/v1/jobs", Object(fields));
    }

    /// <summary>Applies one mistake that alone makes the submit invalid; returns its kind.</summary>
    private string Break(Dictionary<string, string> fields, string user)
    {
        switch (random.Next(15))
        {
            case 0:
                var text = Pick(TextFields);
                fields[text] = Pick(["42", "true", "[]", "{}", "-0.5", "[\"a\"]", "{\"x\": 1}"]);
                return "wrong-type";
            case 1:
                var number = Pick(NumberFields);
                fields[number] = Pick(["\"3\"", "true", "false", "[]", "{}", "\"\"", "[1]", "\"1e3\""]);
                return "wrong-type";
            case 2:
                var required = Pick(RequiredSubmitFields);
                fields.Remove(required);
                if (random.Next(2) == 0)
                {
                    fields[required] = "null";
                }

                return "missing";
            case 3:
                fields["x" + Word(1 + random.Next(12)) + "_" + random.Next(1000).ToString(CultureInfo.InvariantCulture)] = Pick(["1", "\"extra\"", "null", "[]", "{}"]);
                return "unknown-field";
            case 4:
                fields[Pick(["gpus", "cpu", "memory", "cpuLimit", "memoryLimit"])] = "-" + Number();
                return "negative";
            case 5:
                switch (random.Next(5))
                {
                    case 0: fields["gpus"] = (65 + random.NextInt64(1, long.MaxValue / 2)).ToString(CultureInfo.InvariantCulture); break;
                    case 1: fields["cpu"] = Pick(["1e30", "1025", "99999999999999999999999999", "1.7976931348623157e308"]); break;
                    case 2: fields["memory"] = Pick(["1e30", "70000", "9223372036854775807"]); break;
                    case 3: fields["priority"] = Pick(["1001", "-1001", "1e20", "2147483648"]); break;
                    default: fields["walltime"] = Json(Pick(["9999d", "100001h", "31d", "744h"])); break;
                }

                return "huge";
            case 6:
                fields[Pick(["cpu", "memory"])] = Pick(["0", "0.0", "-0", "0.0000001"]);
                return "zero";
            case 7:
                switch (random.Next(4))
                {
                    case 0: fields["name"] = Json(Unicode(201 + random.Next(3000))); break;
                    case 1: fields["command"] = Json(new string('x', 10_001 + random.Next(20_000))); break;
                    case 2: fields["team"] = Json(Word(201 + random.Next(500))); break;
                    default: fields["gpuModel"] = Json(Unicode(201 + random.Next(400))); break;
                }

                return "too-long";
            case 8:
                fields[Pick(["name", "command", "team"])] = Json("a" + (char)random.Next(1, 9) + "b");
                return "control-character";
            case 9:
                fields["walltime"] = Json(Pick(BadWalltimes));
                return "bad-walltime";
            case 10:
                fields["cpu"] = "4";
                fields["cpuLimit"] = Pick(["1", "3.999", "0.5"]);
                return "limit-below-request";
            case 11:
                fields["gpus"] = "0";
                fields["gpuModel"] = Json("NVIDIA " + Word(5));
                return "model-without-gpus";
            case 12:
                fields[Pick(["name", "command", "team"])] = Json(Pick(["", "   ", "\t"]));
                return "blank";
            case 13 when user != "admin":
                fields["team"] = Json(Pick(new[] { "nlp", "vision", "speech", "research" }.Where(t => !TeamsOf(user).Contains(t)).ToArray()));
                return "not-a-member";
            default:
                fields["gpus"] = (5 + random.Next(60)).ToString(CultureInfo.InvariantCulture); // The largest demo node has 4.
                return "never-fits";
        }
    }

    private CorpusRequest BadBody()
    {
        var user = Pick(users);
        var valid = Encoding.UTF8.GetBytes(Object(ValidSubmit(user)));
        var path = random.Next(4) == 0 ? "/api/v1/teams/vision/quota" : "/api/v1/jobs";
        var method = path.EndsWith("quota", StringComparison.Ordinal) ? HttpMethod.Put : HttpMethod.Post;
        switch (random.Next(9))
        {
            case 0:
                return new("body:wrong-content-type", user, method, path, Pick(["text/plain", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json; charset=latin1", "text/json", "image/png"]), valid);
            case 1:
                return new("body:no-content-type", user, method, path, null, valid);
            case 2:
                return new("body:truncated", user, method, path, "application/json", valid[..random.Next(0, valid.Length - 1)]);
            case 3:
                var broken = (byte[])valid.Clone();
                broken[random.Next(broken.Length)] = (byte)Pick(["{", "}", "\"", ",", ":", "]", "\\"])[0];
                var extra = Encoding.UTF8.GetBytes(Pick([" garbage", "}", ",", " // comment", "\u0000"]));
                return new("body:invalid-json", user, method, path, "application/json", [.. broken, .. extra]);
            case 4:
                return new("body:not-an-object", user, method, path, "application/json", Encoding.UTF8.GetBytes(Pick(["null", "[]", "[{}]", "\"text\"", "42", "true", "", " "])));
            case 5:
                var bytes = new byte[1 + random.Next(300)];
                random.NextBytes(bytes);
                return new("body:random-bytes", user, method, path, "application/json", bytes);
            case 6:
                var depth = 20 + random.Next(200);
                return new("body:too-deep", user, method, path, "application/json", Encoding.UTF8.GetBytes("{\"name\": " + new string('[', depth) + new string(']', depth) + "}"));
            case 7:
                return new("body:too-large", user, method, path, "application/json", Encoding.UTF8.GetBytes("{\"name\": \"" + new string('a', 300_000) + "\"}"));
            default:
                return new("body:non-json-syntax", user, method, path, "application/json", Encoding.UTF8.GetBytes(Pick(["{'name': 'x'}", "{\"cpu\": NaN}", "{\"cpu\": Infinity}", "{name: 1}", "{\"a\":1,}", "/* c */ {}", "{\"cpu\": 01}", "{\"cpu\": .5}"])));
        }
    }

    private CorpusRequest BadJobId()
    {
        var user = Pick(users.Where(u => u != "admin").ToArray());
        var id = random.Next(4) switch
        {
            0 => (firstUnknownJobId + random.Next(1_000_000)).ToString(CultureInfo.InvariantCulture),
            1 => Pick(BadIds),
            2 => new string('9', 20 + random.Next(4000)),
            _ => user == "bob" ? Pick(BadIds) : someoneElsesJob.ToString(CultureInfo.InvariantCulture),
        };
        return random.Next(3) switch
        {
            0 => new("id:get", user, HttpMethod.Get, $"/api/v1/jobs/{id}", null, null),
            1 => new("id:cancel", user, HttpMethod.Post, $"/api/v1/jobs/{id}/cancel", null, null),
            _ => new("id:logs", user, HttpMethod.Get, $"/api/v1/jobs/{id}/logs" + (random.Next(2) == 0 ? "?follow=true" : ""), null, null),
        };
    }

    private CorpusRequest BadQuery()
    {
        var user = Pick(users);
        var parameters = new List<string>();
        var bad = random.Next(7) switch
        {
            0 => "state=" + Escape(Pick(["Sleeping", "1", "pending;drop table jobs", "Running,Nope", "%", Unicode(5)])),
            1 => "page=" + Pick(["0", "-1", "abc", "1e9", "1000001", "2147483648", "1.5"]),
            2 => "pageSize=" + Pick(["0", "501", "-3", "abc", "99999999999"]),
            3 => "sort=" + Escape(Pick(["password", "1", "id desc", "name;--", Unicode(4), "Priority"])),
            4 => "order=" + Pick(["up", "down", "1", "ascending", "DESC;"]),
            5 => "mine=" + Pick(["maybe", "yes", "1", "tru"]),
            _ => "text=" + Escape(new string('q', 201 + random.Next(500))),
        };
        parameters.Add(bad);
        if (random.Next(2) == 0)
        {
            parameters.Add("team=" + Escape(Pick(["vision", Unicode(8), "%_%", "' OR 1=1 --"])));
        }

        if (random.Next(2) == 0)
        {
            parameters.Add("unknown" + random.Next(10).ToString(CultureInfo.InvariantCulture) + "=" + Escape(Word(4)));
        }

        if (random.Next(5) == 0)
        {
            var job = someoneElsesJob.ToString(CultureInfo.InvariantCulture);
            return new("query:logs", user == "bob" ? "admin" : user, HttpMethod.Get, $"/api/v1/jobs/{job}/logs?" + Pick(["offset=-1", "offset=abc", "offset=1e3", "follow=maybe", "offset=99999999999999999999"]), null, null);
        }

        return new("query:list", user, HttpMethod.Get, "/api/v1/jobs?" + string.Join("&", parameters.OrderBy(_ => random.Next())), null, null);
    }

    private CorpusRequest BadQuota()
    {
        var team = random.Next(6) switch
        {
            0 => Escape(Word(201 + random.Next(100))),
            1 => Escape(Unicode(6)),
            _ => Pick(["vision", "nlp", "speech", "research"]),
        };
        var fields = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["nominalGpus"] = "2", ["nominalCpu"] = "8", ["nominalMemory"] = "32", ["borrowingLimitGpus"] = "1",
            ["borrowingLimitCpu"] = "4", ["borrowingLimitMemory"] = "16", ["fairShareWeight"] = "1", ["maxPriority"] = "100",
        };
        if (random.Next(5) == 0)
        {
            // A valid quota from someone who may not set one.
            return new("quota:not-admin", Pick(users.Where(u => u != "admin").ToArray()), HttpMethod.Put, $"/api/v1/teams/{team}/quota", "application/json", Encoding.UTF8.GetBytes(Object(fields)));
        }

        var kind = random.Next(7) switch
        {
            0 => Set(fields, Pick(QuotaFields.Where(f => f != "maxPriority").ToArray()), "-" + Number(), "negative"),
            1 => Set(fields, Pick(QuotaFields), Pick(["\"1\"", "true", "[]", "{}", "\"many\""]), "wrong-type"),
            2 => Remove(fields, Pick(QuotaFields)),
            3 => Set(fields, "x" + Word(6), "1", "unknown-field"),
            4 => Set(fields, Pick(["nominalGpus", "borrowingLimitGpus", "nominalCpu", "nominalMemory", "borrowingLimitCpu", "borrowingLimitMemory"]), Pick(["100000", "1e30", "2147483648", "9223372036854775807"]), "huge"),
            5 => Set(fields, "fairShareWeight", Pick(["0", "-1", "1e400", "0.0"]), "bad-weight"),
            _ => Set(fields, "maxPriority", Pick(["1001", "-1001", "1.5", "99999999999"]), "bad-priority"),
        };
        return new("quota:" + kind, "admin", HttpMethod.Put, $"/api/v1/teams/{team}/quota", "application/json", Encoding.UTF8.GetBytes(Object(fields)));
    }

    private CorpusRequest BadCredentials()
    {
        var token = random.Next(4) switch
        {
            0 => "",
            1 => "Bearer dash_" + Word(43),
            2 => Pick(["Bearer", "Bearer ", "Basic YWxpY2U6YWxpY2UtZGVtbw==", "bearer ghp_abc", "Bearer " + new string('a', 5000), "Token dash_x"]),
            _ => "Bearer dash_" + Pick(["!@#$%^&*()", "../../etc/passwd", "' OR 1=1 --", "%00", new string('=', 50)]),
        };
        var user = "header:" + token;
        return random.Next(4) switch
        {
            0 => new("auth:submit", user, HttpMethod.Post, "/api/v1/jobs", "application/json", Encoding.UTF8.GetBytes(Object(ValidSubmit("admin")))),
            1 => new("auth:list", user, HttpMethod.Get, "/api/v1/jobs?mine=false", null, null),
            2 => new("auth:cancel", user, HttpMethod.Post, $"/api/v1/jobs/{someoneElsesJob.ToString(CultureInfo.InvariantCulture)}/cancel", null, null),
            _ => new("auth:cluster", user, HttpMethod.Get, Pick(["/api/v1/cluster", "/api/v1/nodes", "/api/v1/teams", "/api/v1/me"]), null, null),
        };
    }

    private CorpusRequest WrongMethod()
    {
        var (method, path) = Pick(new (HttpMethod, string)[]
        {
            (HttpMethod.Delete, "/api/v1/jobs"), (HttpMethod.Put, "/api/v1/jobs"), (HttpMethod.Patch, "/api/v1/jobs/1"),
            (HttpMethod.Delete, "/api/v1/jobs/1"), (HttpMethod.Get, "/api/v1/jobs/1/cancel"), (HttpMethod.Post, "/api/v1/cluster"),
            (HttpMethod.Delete, "/api/v1/teams/vision/quota"), (HttpMethod.Post, "/api/v1/teams/vision/quota"), (HttpMethod.Get, "/api/v1/teams/vision/quota"),
            (HttpMethod.Get, "/api/v1/nothing"), (HttpMethod.Post, "/api/v2/jobs"),
        });
        return new("method", Pick(users), method, path, null, null);
    }

    private static Dictionary<string, string> ValidSubmit(string user) => new(StringComparer.Ordinal)
    {
        ["name"] = Json("corpus"),
        ["command"] = Json("echo hi"),
        ["team"] = Json(TeamsOf(user).FirstOrDefault() ?? "vision"),
        ["gpus"] = "1",
        ["cpu"] = "2",
        ["memory"] = "4",
        ["walltime"] = Json("1h"),
        ["priority"] = "0",
    };

    private static string[] TeamsOf(string user) => user switch
    {
        "bob" => ["nlp"],
        "admin" => [],
        _ => ["vision"],
    };

    private static CorpusRequest Post(string kind, string user, string path, string json) =>
        new(kind, user, HttpMethod.Post, path, "application/json", Encoding.UTF8.GetBytes(json));

    private static string Set(Dictionary<string, string> fields, string field, string value, string kind)
    {
        fields[field] = value;
        return kind;
    }

    private static string Remove(Dictionary<string, string> fields, string field)
    {
        fields.Remove(field);
        return "missing";
    }

    private string Object(Dictionary<string, string> fields)
    {
        var entries = fields.Select(f => $"{Json(f.Key)}: {f.Value}").ToList();
        if (random.Next(10) == 0 && entries.Count > 0)
        {
            entries.Add(entries[random.Next(entries.Count)]); // The same field twice.
        }

        return "{" + string.Join(", ", entries) + "}";
    }

    private string Number() => random.Next(4) switch
    {
        0 => (1 + random.Next(10)).ToString(CultureInfo.InvariantCulture),
        1 => (random.NextDouble() * 1000 + 0.001).ToString("0.###", CultureInfo.InvariantCulture),
        2 => random.NextInt64(1, long.MaxValue).ToString(CultureInfo.InvariantCulture),
        _ => "1e" + random.Next(1, 400).ToString(CultureInfo.InvariantCulture),
    };

    private string Word(int length)
    {
        var text = new StringBuilder(length);
        for (var i = 0; i < length; i++)
        {
            text.Append((char)('a' + random.Next(26)));
        }

        return text.ToString();
    }

    /// <summary>Text from several scripts (accents, Greek, CJK, emoji as surrogate pairs, right-to-left).</summary>
    private string Unicode(int length)
    {
        string[] pieces = ["é", "ß", "Ω", "λ", "日本", "数据", "😀", "🚀", "ש", "ع", "ø", "ñ", "Ж", "\u200b", "a", " "];
        var text = new StringBuilder();
        while (text.Length < length)
        {
            text.Append(Pick(pieces));
        }

        return text.ToString();
    }

    private T Pick<T>(IReadOnlyList<T> items) => items[random.Next(items.Count)];

    private static string Json(string text) => System.Text.Json.JsonSerializer.Serialize(text);

    private static string Escape(string text) => Uri.EscapeDataString(text);
}
