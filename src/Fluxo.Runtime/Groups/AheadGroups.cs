using System.Collections.Immutable;
using Fluxo.Diagnostics;
using Fluxo.Ir;
using Fluxo.Policy;
using Fluxo.Regions;

namespace Fluxo.Runtime.Groups;

/// <summary>One pre-computed or speculated subgraph of a policy, by its position in the policy's list.</summary>
internal sealed record AheadGroup(PrecomputeDecision? Precompute, SpeculateDecision? Speculate, int Index)
{
    /// <summary>Speculations after other handlers that guess the same part (positions in the speculate list).</summary>
    public List<int> SameParts { get; } = [];

    public bool Serves(int speculation) => Speculate is not null && (Index == speculation || SameParts.Contains(speculation));
}

/// <summary>Turns a policy's precompute and speculate decisions into groups beside the caches, refusing nodes that may not run ahead.</summary>
internal static class AheadGroups
{
    public static void Add(IrModule module, PolicyDocument policy, string path, Dictionary<string, (int[] GroupOf, SubgraphGroup[] Groups)> result, DiagnosticBag diags)
    {
        for (var d = 0; d < policy.Precompute.Length; d++)
        {
            var p = policy.Precompute[d];
            AddOne(module, p.Handler, p.GraphHash, p.Nodes, false, new AheadGroup(p, null, d), $"$.precompute[{d}]", path, result, diags);
        }

        for (var d = 0; d < policy.Speculate.Length; d++)
        {
            var s = policy.Speculate[d];
            if (module.FindGraph(s.AfterHandler) is null)
            {
                diags.Add(Diag.PolicyDoesNotFit(path, $"$.speculate[{d}]", $"the service has no handler '{s.AfterHandler}'"));
                continue;
            }

            AddOne(module, s.Handler, s.GraphHash, s.Nodes, true, new AheadGroup(null, s, d), $"$.speculate[{d}]", path, result, diags);
        }
    }

    private static void AddOne(
        IrModule module, string handler, string hash, ImmutableArray<int> nodes, bool speculate,
        AheadGroup ahead, string where, string path, Dictionary<string, (int[] GroupOf, SubgraphGroup[] Groups)> result, DiagnosticBag diags)
    {
        var graph = module.FindGraph(handler);
        if (graph is null || graph.Hash != hash)
        {
            diags.Add(Diag.PolicyDoesNotFit(path, where, graph is null ? $"the service has no handler '{handler}'" : $"graph '{graph.Name}' has hash {graph.Hash}, the policy was made for {hash}"));
            return;
        }

        var members = nodes.IsDefault ? [] : nodes.Distinct().Order().ToArray();
        if (AheadRules.PartProblem(graph, members, speculate, ahead.Precompute?.KeyedByRequest ?? false) is { } problem)
        {
            diags.Add(Diag.PolicyDoesNotFit(path, where, problem));
            return;
        }

        if (!result.TryGetValue(graph.Name, out var entry))
        {
            entry = (Enumerable.Repeat(-1, graph.Nodes.Length).ToArray(), []);
        }

        var (groupOf, groups) = entry;
        if (ahead.Speculate is not null && groupOf[members[0]] >= 0 && groups[groupOf[members[0]]] is { Ahead.Speculate: not null } same
            && same.Members.SequenceEqual(members))
        {
            same.Ahead.SameParts.Add(ahead.Index);
            return;
        }

        if (NodeClaims.Claim(groupOf, members, groups.Length) is { } taken)
        {
            diags.Add(Diag.PolicyDoesNotFit(path, where, $"node {taken} is already in another cache or pre-computed part"));
            return;
        }

        var group = new SubgraphGroup
        {
            Ahead = ahead,
            Members = members,
            Entering = [.. RegionBoundary.KeyEdges(graph, members)],
            Exits = [.. RegionBoundary.Outputs(graph, members)],
        };
        result[graph.Name] = (groupOf, [.. groups, group]);
    }
}
