using System.Collections.Immutable;
using Fluxo.Diagnostics;
using Fluxo.Ir;
using Fluxo.Policy;
using Fluxo.Regions;

namespace Fluxo.Backend.Azure;

/// <summary>A <see cref="CachedRegion"/> placed in a generated handler, under the id its Redis keys carry.</summary>
internal sealed record CacheGroup(
    string Id,
    int Index,
    ImmutableHashSet<int> Nodes,
    ImmutableArray<(int To, int Input)> Entering,
    ImmutableArray<int> Outputs,
    long Bytes)
{
    /// <summary>How the generated CacheStore makes entry keys: the LRU contract's.</summary>
    public const string KeyScheme = CacheKey.KeyScheme;

    public string Keyspace { get; init; } = "";
}

/// <summary>The policy's caches that apply to one handler's graph.</summary>
internal sealed class CachePlan
{
    private readonly Dictionary<int, CacheGroup> _byNode = [];

    public ImmutableArray<CacheGroup> Groups { get; }

    private CachePlan(ImmutableArray<CacheGroup> groups)
    {
        Groups = groups;
        foreach (var g in groups)
        {
            foreach (var n in g.Nodes)
            {
                _byNode[n] = g;
            }
        }
    }

    public CacheGroup? GroupOf(int node) => _byNode.GetValueOrDefault(node);

    public static CachePlan For(Graph graph, PolicyDocument? policy, DiagnosticBag diagnostics)
    {
        var groups = ImmutableArray.CreateBuilder<CacheGroup>();
        var taken = new HashSet<int>();
        var reach = new GraphReach(graph);
        var decisions = policy?.Caches ?? [];
        for (var i = 0; i < decisions.Length; i++)
        {
            var d = decisions[i];
            if (d.Handler != graph.Name)
            {
                continue;
            }

            var region = CachedRegion.TryCreate(reach, d.Nodes.IsDefault ? [] : d.Nodes, out var problem);
            if (region is null)
            {
                diagnostics.Add(Diag.BadCachedRegion(Diag.DecisionSpan(graph, d.Nodes.IsDefault ? [] : d.Nodes, $"$.caches[{i}]"), problem!, Severity.Warning));
                continue;
            }

            var clash = region.Nodes.FirstOrDefault(taken.Contains, -1);
            if (d.Bytes <= 0 || clash >= 0)
            {
                diagnostics.Add(Diag.AzureBadCache(graph, region.Nodes, $"$.caches[{i}]", d.Bytes <= 0 ? "no bytes" : $"node {clash} is already in another cache"));
                continue;
            }

            taken.UnionWith(region.Nodes);
            var index = groups.Count;
            groups.Add(new CacheGroup(
                $"{graph.Name}.{index}", index, [.. region.Nodes], [.. region.KeyEdges.Select(e => (e.To, e.ToInput))], region.Outputs, d.Bytes)
            {
                Keyspace = CacheKey.Keyspace(CacheGroup.KeyScheme, graph.Name, graph.Hash, region.Nodes),
            });
        }

        return new CachePlan(groups.ToImmutable());
    }
}
