using Fluxo.Diagnostics;
using Fluxo.Ir;
using Fluxo.Runtime.Caching;

namespace Fluxo.Runtime.Engine;

/// <summary>Turns a policy's cache decisions into per-graph groups, refusing decisions that do not fit the graph.</summary>
internal static class CacheGroups
{
    public static Dictionary<string, (int[] GroupOf, CacheGroup[] Groups)> Build(IrModule module, EngineOptions options, DiagnosticBag diags)
    {
        var result = new Dictionary<string, (int[], CacheGroup[])>(StringComparer.Ordinal);
        var policy = options.Policy;
        if (policy is null)
        {
            return result;
        }

        for (var d = 0; d < policy.Caches.Length; d++)
        {
            var decision = policy.Caches[d];
            var where = $"$.caches[{d}]";
            var graph = module.FindGraph(decision.Handler);
            if (graph is null)
            {
                diags.Add(Diag.PolicyDoesNotFit(options.PolicyPath, where, $"the service has no handler '{decision.Handler}'"));
                continue;
            }

            if (graph.Hash != decision.GraphHash)
            {
                diags.Add(Diag.PolicyDoesNotFit(options.PolicyPath, where, $"graph '{graph.Name}' has hash {graph.Hash}, the policy was made for {decision.GraphHash}"));
                continue;
            }

            var members = decision.Nodes.Distinct().Order().ToArray();
            if (members.Length == 0 || members.Any(m => m <= graph.SourceId || m >= graph.SinkId || m >= graph.Nodes.Length))
            {
                diags.Add(Diag.PolicyDoesNotFit(options.PolicyPath, where, "a cache holds one or more nodes between the Source and the Sink"));
                continue;
            }

            if (members.FirstOrDefault(m => !graph[m].Props.IsCacheable) is var bad && bad > 0)
            {
                diags.Add(Diag.PolicyDoesNotFit(options.PolicyPath, where, $"node {bad} ({graph[bad].Label}) is not deterministic and side-effect-free"));
                continue;
            }

            if (!result.TryGetValue(graph.Name, out var entry))
            {
                entry = (Enumerable.Repeat(-1, graph.Nodes.Length).ToArray(), []);
            }

            var (groupOf, groups) = entry;
            if (members.FirstOrDefault(m => groupOf[m] >= 0) is var taken && taken > 0)
            {
                diags.Add(Diag.PolicyDoesNotFit(options.PolicyPath, where, $"node {taken} is already in another cache"));
                continue;
            }

            var set = members.ToHashSet();
            var entering = graph.Edges().Where(e => !set.Contains(e.From) && set.Contains(e.To)).OrderBy(e => e.To).ThenBy(e => e.ToInput).ToArray();
            var exits = members.Where(m => graph.Nodes.Any(n => !set.Contains(n.Id) && n.Inputs.Any(i => i.From == m))).ToArray();
            foreach (var m in members)
            {
                groupOf[m] = groups.Length;
            }

            var group = new CacheGroup
            {
                Decision = decision,
                Cache = options.Caches.Create(decision, d),
                Members = members,
                Entering = entering,
                Exits = exits,
            };
            result[graph.Name] = (groupOf, [.. groups, group]);
        }

        Ahead.AheadGroups.Add(module, policy, options.PolicyPath, result, diags);
        return result;
    }
}
