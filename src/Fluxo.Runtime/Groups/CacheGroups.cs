using Fluxo.Diagnostics;
using Fluxo.Ir;
using Fluxo.Policy;
using Fluxo.Regions;
using Fluxo.Runtime.Caching;

namespace Fluxo.Runtime.Groups;

/// <summary>Turns a policy's cache decisions into per-graph groups (each a <see cref="CachedRegion"/>), refusing decisions that do not fit the graph.</summary>
internal static class CacheGroups
{
    public static Dictionary<string, (int[] GroupOf, SubgraphGroup[] Groups)> Build(IrModule module, PolicyDocument? policy, string policyPath, ICacheFactory caches, DiagnosticBag diags)
    {
        var result = new Dictionary<string, (int[], SubgraphGroup[])>(StringComparer.Ordinal);
        if (policy is null)
        {
            return result;
        }

        var reaches = new Dictionary<string, GraphReach>(StringComparer.Ordinal);
        for (var d = 0; d < policy.Caches.Length; d++)
        {
            var decision = policy.Caches[d];
            var where = $"$.caches[{d}]";
            var graph = module.FindGraph(decision.Handler);
            if (graph is null)
            {
                diags.Add(Diag.PolicyDoesNotFit(policyPath, where, $"the service has no handler '{decision.Handler}'"));
                continue;
            }

            if (graph.Hash != decision.GraphHash)
            {
                diags.Add(Diag.PolicyDoesNotFit(policyPath, where, $"graph '{graph.Name}' has hash {graph.Hash}, the policy was made for {decision.GraphHash}"));
                continue;
            }

            if (!reaches.TryGetValue(graph.Name, out var reach))
            {
                reaches[graph.Name] = reach = new GraphReach(graph);
            }

            var region = CachedRegion.ForCache(module, reach, decision.Nodes.IsDefault ? [] : decision.Nodes, decision.TtlMs, out var problem, out var stale);
            if (region is null)
            {
                diags.Add(stale is null ? problem!.ToDiagnostic(policyPath, where) : Diag.BadCacheTtl(policyPath, where + ".ttlSeconds", stale));
                continue;
            }

            var members = region.Nodes.ToArray();
            if (!result.TryGetValue(graph.Name, out var entry))
            {
                entry = (Enumerable.Repeat(-1, graph.Nodes.Length).ToArray(), []);
            }

            var (groupOf, groups) = entry;
            if (NodeClaims.Claim(groupOf, members, groups.Length) is { } taken)
            {
                diags.Add(Diag.PolicyDoesNotFit(policyPath, where, $"node {taken} is already in another cache"));
                continue;
            }

            var group = new SubgraphGroup
            {
                Decision = decision,
                Cache = caches.Create(decision, d),
                Members = members,
                Entering = [.. region.KeyEdges],
                Exits = [.. region.Outputs],
            };
            result[graph.Name] = (groupOf, [.. groups, group]);
        }

        AheadGroups.Add(module, policy, policyPath, result, diags);
        return result;
    }
}
