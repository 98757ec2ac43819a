using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Dashboard.Scheduling.Model;

namespace Dashboard.Engine.Elastic;

/// <summary>
/// The command provider's protocol: one JSON object on the executable's stdin, one on its stdout.
/// Provision in: <c>{"action":"provision","pool":"burst","count":2,"reason":"...","names":["burst-1","burst-2"],
/// "shape":{"gpus":8,"gpuModel":"A100-80GB","gpuMemoryMiB":81920,"cpuCores":64,"memoryGiB":512}}</c>;
/// out: <c>{"nodes":[{"name":"burst-1","simulated":true},...]}</c> (each node may also state its own <c>gpus</c>,
/// <c>gpuModel</c>, <c>gpuMemoryMiB</c>, <c>cpuCores</c>, <c>memoryGiB</c> where they differ from the shape).
/// Every node must say <c>"simulated": true</c>: jobs run only on this host (the local executor) and on simulated nodes
/// (the simulated executor); no executor reaches another machine, so a node that is not simulated could never run a
/// job and the answer is refused rather than half-used.
/// Release in: <c>{"action":"release","pool":"burst","nodes":["burst-1"],"reason":"..."}</c>; out: <c>{}</c>.
/// Either way <c>{"error":"message"}</c> (or a non-zero exit) is a failure with that message. Output that breaks the
/// protocol is an error too, and then no node of it is registered.
/// </summary>
public static partial class ProviderProtocol
{
    public static string ProvisionInput(ProvisionRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var shape = request.Shape;
        return new JsonObject
        {
            ["action"] = "provision",
            ["pool"] = request.Pool,
            ["count"] = request.Count,
            ["reason"] = request.Reason,
            ["names"] = new JsonArray([.. request.Names.Select(n => JsonValue.Create(n))]),
            ["shape"] = new JsonObject
            {
                ["gpus"] = shape.Gpus,
                ["gpuModel"] = shape.GpuModel,
                ["gpuMemoryMiB"] = shape.GpuMemoryMiB,
                ["cpuCores"] = shape.CpuMillicores / Units.MillicoresPerCore,
                ["memoryGiB"] = shape.MemoryMiB / Units.MiBPerGiB,
            },
        }.ToJsonString();
    }

    public static string ReleaseInput(ReleaseRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new JsonObject
        {
            ["action"] = "release",
            ["pool"] = request.Pool,
            ["nodes"] = new JsonArray([.. request.Nodes.Select(n => JsonValue.Create(n))]),
            ["reason"] = request.Reason,
        }.ToJsonString();
    }

    /// <summary>The nodes a provision answer names, all checked before any is returned.</summary>
    public static ImmutableArray<Node> ParseProvisioned(string stdout, ProvisionRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var root = ParseObject(stdout);
        if (root["nodes"] is not JsonArray nodes)
        {
            throw Malformed("it has no \"nodes\" array");
        }

        if (nodes.Count == 0 || nodes.Count > request.Count)
        {
            throw Malformed(string.Create(CultureInfo.InvariantCulture, $"it names {nodes.Count} nodes; between 1 and {request.Count} were asked for"));
        }

        var result = ImmutableArray.CreateBuilder<Node>(nodes.Count);
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < nodes.Count; i++)
        {
            if (nodes[i] is not JsonObject node)
            {
                throw Malformed(string.Create(CultureInfo.InvariantCulture, $"nodes[{i}] is not an object"));
            }

            var name = Text(node, "name", i) ?? throw Malformed(string.Create(CultureInfo.InvariantCulture, $"nodes[{i}] has no name"));
            if (!NodeNamePattern().IsMatch(name))
            {
                throw Malformed(string.Create(CultureInfo.InvariantCulture, $"nodes[{i}]'s name '{name}' may hold only letters, digits, '.', '-' and '_' (at most 100)"));
            }

            if (!names.Add(name))
            {
                throw Malformed($"the node name '{name}' appears twice");
            }

            var shape = request.Shape;
            var gpus = Number(node, "gpus", i) ?? shape.Gpus;
            var cpuCores = Number(node, "cpuCores", i) ?? shape.CpuMillicores / Units.MillicoresPerCore;
            var memoryGiB = Number(node, "memoryGiB", i) ?? shape.MemoryMiB / Units.MiBPerGiB;
            var gpuMemory = Number(node, "gpuMemoryMiB", i) ?? shape.GpuMemoryMiB;
            if (gpus is < 0 or > Node.MaxGpusPerNode || cpuCores <= 0 || memoryGiB <= 0 || gpuMemory < 0)
            {
                throw Malformed(string.Create(CultureInfo.InvariantCulture, $"nodes[{i}] ({name}) has an impossible size ({gpus} GPUs, {cpuCores} cores, {memoryGiB} GiB)"));
            }

            if (node["simulated"] is { } flag && flag.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
            {
                throw Malformed(string.Create(CultureInfo.InvariantCulture, $"nodes[{i}].simulated is not true or false"));
            }

            if (node["simulated"]?.GetValueKind() != JsonValueKind.True)
            {
                throw Malformed(string.Create(CultureInfo.InvariantCulture, $"nodes[{i}] ({name}) is not \"simulated\": true; this server runs jobs only on its own host and on simulated nodes, and has no executor for another machine"));
            }

            var sized = shape with
            {
                Gpus = (int)gpus,
                GpuModel = Text(node, "gpuModel", i) ?? shape.GpuModel,
                GpuMemoryMiB = gpuMemory,
                CpuMillicores = cpuCores * Units.MillicoresPerCore,
                MemoryMiB = memoryGiB * Units.MiBPerGiB,
            };
            result.Add(sized.ToNode(name, NodeState.Ready, simulated: true, request.Pool));
        }

        return result.MoveToImmutable();
    }

    /// <summary>Checks a release answer: an object without an error.</summary>
    public static void ParseReleased(string stdout) => ParseObject(stdout.Trim().Length == 0 ? "{}" : stdout);

    private static JsonObject ParseObject(string stdout)
    {
        JsonNode? parsed;
        try
        {
            parsed = JsonNode.Parse(stdout);
        }
        catch (JsonException invalid)
        {
            throw Malformed($"it is not JSON ({invalid.Message})");
        }

        if (parsed is not JsonObject root)
        {
            throw Malformed("it is not a JSON object");
        }

        if (root["error"] is { } error)
        {
            var message = error.GetValueKind() == JsonValueKind.String ? error.GetValue<string>() : error.ToJsonString();
            throw new ElasticProviderException(string.IsNullOrWhiteSpace(message) ? "the provider reported an error without a message" : message);
        }

        return root;
    }

    private static string? Text(JsonObject node, string property, int index) => node[property] switch
    {
        null => null,
        var value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
        _ => throw Malformed(string.Create(CultureInfo.InvariantCulture, $"nodes[{index}].{property} is not a string")),
    };

    private static long? Number(JsonObject node, string property, int index) => node[property] switch
    {
        null => null,
        var value when value.GetValueKind() == JsonValueKind.Number && value.AsValue().TryGetValue<long>(out var number) => number,
        _ => throw Malformed(string.Create(CultureInfo.InvariantCulture, $"nodes[{index}].{property} is not a whole number")),
    };

    private static ElasticProviderException Malformed(string what) =>
        new($"the provider's output breaks the protocol: {what}; no node was registered");

    [GeneratedRegex("^[A-Za-z0-9._-]{1,100}$")]
    private static partial Regex NodeNamePattern();
}
