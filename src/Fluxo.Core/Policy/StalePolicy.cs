using System.Collections.Immutable;
using Fluxo.Diagnostics;
using Fluxo.Ir;

namespace Fluxo.Policy;

/// <summary>A policy decision made for a graph the program no longer has: its JSON path, handler and both hashes (null when the handler is gone).</summary>
public sealed record StaleDecision(string JsonPath, string Kind, string Handler, string PolicyHash, string? GraphHash)
{
    /// <summary>What is stale about the decision, for people.</summary>
    public string Describe() => GraphHash is null
        ? $"{Kind} decision {JsonPath} for '{Handler}' was made for graph {PolicyHash}, but the program has no such handler (or no handler it follows)"
        : GraphHash == PolicyHash
            ? $"{Kind} decision {JsonPath} for '{Handler}' follows a handler the program no longer has"
            : $"{Kind} decision {JsonPath} for '{Handler}' was made for graph {PolicyHash}, but the program's graph is {GraphHash}";
}

/// <summary>
/// One rule for every stage that applies a policy: a decision whose handler's graph hash differs from the
/// program's is stale. A stale policy is an error; with <c>--allow-stale-policy</c> the stale decisions are
/// dropped, each one listed, and the rest applies.
/// </summary>
public static class StalePolicy
{
    public static ImmutableArray<StaleDecision> Find(IrModule module, PolicyDocument policy)
    {
        var stale = ImmutableArray.CreateBuilder<StaleDecision>();
        void Check(string path, string kind, string handler, string hash, string? after = null)
        {
            var graph = module.FindGraph(handler);
            if (graph is null || graph.Hash != hash || (after is not null && module.FindGraph(after) is null))
            {
                stale.Add(new StaleDecision(path, kind, handler, hash, graph?.Hash));
            }
        }

        for (var i = 0; i < policy.Caches.Length; i++)
        {
            Check($"$.caches[{i}]", "cache", policy.Caches[i].Handler, policy.Caches[i].GraphHash);
        }

        for (var i = 0; i < policy.Precompute.Length; i++)
        {
            Check($"$.precompute[{i}]", "precompute", policy.Precompute[i].Handler, policy.Precompute[i].GraphHash);
        }

        for (var i = 0; i < policy.Speculate.Length; i++)
        {
            Check($"$.speculate[{i}]", "speculate", policy.Speculate[i].Handler, policy.Speculate[i].GraphHash, policy.Speculate[i].AfterHandler);
        }

        return stale.ToImmutable();
    }

    /// <summary>
    /// The policy to apply: unchanged when nothing is stale; null with an error per stale decision (located in
    /// <paramref name="policyText"/> when given) unless <paramref name="allowStale"/>, which drops them with a warning each.
    /// </summary>
    public static PolicyDocument? Apply(IrModule module, PolicyDocument policy, string policyPath, string? policyText, bool allowStale, DiagnosticBag diagnostics)
    {
        var stale = Find(module, policy);
        if (stale.IsEmpty)
        {
            return policy;
        }

        foreach (var s in stale)
        {
            var span = policyText is null ? new SourceSpan(policyPath, 1, 1, 1, 1, s.JsonPath) : JsonLocation.Of(policyPath, policyText, s.JsonPath + ".graphHash");
            diagnostics.Add(allowStale ? Diag.StaleDecisionDropped(span, s.Describe()) : Diag.StaleDecision(span, s.Describe()));
        }

        if (!allowStale)
        {
            return null;
        }

        var dropped = stale.Select(s => s.JsonPath).ToHashSet(StringComparer.Ordinal);
        return policy with
        {
            Caches = [.. policy.Caches.Where((_, i) => !dropped.Contains($"$.caches[{i}]"))],
            Precompute = [.. policy.Precompute.Where((_, i) => !dropped.Contains($"$.precompute[{i}]"))],
            Speculate = [.. policy.Speculate.Where((_, i) => !dropped.Contains($"$.speculate[{i}]"))],
        };
    }
}
