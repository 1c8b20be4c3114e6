using System.Text.Json;
using System.Text.Json.Serialization;
using Fluxo.Diagnostics;
using Fluxo.Ir;

namespace Fluxo.Policy;

/// <summary>Reads and writes policy.json (format in docs/policy-format.md).</summary>
public static class PolicyJson
{
    private static readonly JsonSerializerOptions Options = new(IrJson.Options) { TypeInfoResolver = PolicyJsonContext.Default };

    public static string Serialize(PolicyDocument policy) => JsonSerializer.Serialize(policy, Options) + "\n";

    /// <summary>Parses a policy; malformed JSON or a wrong format name becomes a located diagnostic, never an exception.</summary>
    public static PolicyDocument? Parse(string path, string json, DiagnosticBag diagnostics)
    {
        try
        {
            var policy = JsonSerializer.Deserialize<PolicyDocument>(json, Options);
            if (policy is null || policy.Format != PolicyDocument.CurrentFormat)
            {
                diagnostics.Add(Diag.PolicyBadFormat(path, policy?.Format, PolicyDocument.CurrentFormat));
                return null;
            }

            var bad = false;
            for (var j = 0; !policy.Caches.IsDefault && j < policy.Caches.Length; j++)
            {
                if (policy.Caches[j] is { TtlSeconds: var ttl } && (ttl < 0 || !double.IsFinite(ttl)))
                {
                    diagnostics.Add(Diag.BadTtlValue(JsonLocation.Of(path, json, $"$.caches[{j}].ttlSeconds"), ttl));
                    bad = true;
                }
            }

            return bad ? null : policy with
            {
                Caches = policy.Caches.IsDefault ? [] : policy.Caches,
                Precompute = policy.Precompute.IsDefault ? [] : policy.Precompute,
                Speculate = policy.Speculate.IsDefault ? [] : policy.Speculate,
            };
        }
        catch (JsonException e)
        {
            diagnostics.Add(Diag.PolicyMalformed(path, (int)(e.LineNumber ?? 0) + 1, (int)(e.BytePositionInLine ?? 0) + 1, e.Message));
            return null;
        }
    }

    /// <summary>Reads a policy for a program: a stale decision is an error unless <paramref name="allowStale"/> (then it is dropped and listed).</summary>
    public static PolicyDocument? ReadFor(IrModule module, string path, bool allowStale, DiagnosticBag diagnostics)
    {
        var json = InputFile.ReadText(path, diagnostics);
        var policy = json is null ? null : Parse(path, json, diagnostics);
        return policy is null || !PolicyCheck.Validate(module, policy, path, diagnostics) ? null : StalePolicy.Apply(module, policy, path, json, allowStale, diagnostics);
    }

    public static PolicyDocument? Read(string path, DiagnosticBag diagnostics)
    {
        var json = InputFile.ReadText(path, diagnostics);
        return json is null ? null : Parse(path, json, diagnostics);
    }
}

/// <summary>The policy's serializers, generated at build time (see <see cref="IrJsonContext"/>).</summary>
[JsonSourceGenerationOptions(GenerationMode = JsonSourceGenerationMode.Metadata)]
[JsonSerializable(typeof(PolicyDocument))]
internal sealed partial class PolicyJsonContext : JsonSerializerContext;
