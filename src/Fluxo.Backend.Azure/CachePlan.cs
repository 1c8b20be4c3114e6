using System.Collections.Immutable;
using Fluxo.Diagnostics;
using Fluxo.Ir;
using Fluxo.Policy;

namespace Fluxo.Backend.Azure;

/// <summary>
/// One cached subgraph: its key is every edge entering it in (to-node id, input index) order, its entry the
/// outputs of its nodes read outside it (the same definition the runtime and the simulator use).
/// </summary>
internal sealed record CacheGroup(
    string Id,
    int Index,
    ImmutableHashSet<int> Nodes,
    ImmutableArray<(int To, int Input)> Entering,
    ImmutableArray<int> Outputs,
    long Bytes)
{
    /// <summary>How the generated CacheStore makes entry keys (XxHash128 over the values' canonical encodings); change it with the scheme.</summary>
    public const string KeyScheme = "azure-xxh128-encodings/1";

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
        var consumers = graph.Consumers();
        foreach (var d in policy?.Caches.Where(c => c.Handler == graph.Name) ?? [])
        {
            var nodes = d.Nodes.ToImmutableHashSet();
            var reason = Check(graph, nodes, taken, d.Bytes);
            if (reason is not null)
            {
                diagnostics.Add(Diag.AzureBadCache(graph.Name, reason));
                continue;
            }

            taken.UnionWith(nodes);
            var ordered = nodes.Order().ToArray();
            var entering = ordered
                .SelectMany(n => graph[n].Inputs.Select((inp, i) => (To: n, Input: i, inp.From)))
                .Where(e => !nodes.Contains(e.From))
                .Select(e => (e.To, e.Input))
                .ToImmutableArray();
            var outputs = ordered.Where(n => consumers[n].Any(c => !nodes.Contains(c))).ToImmutableArray();
            var index = groups.Count;
            groups.Add(new CacheGroup($"{graph.Name}.{index}", index, nodes, entering, outputs, d.Bytes) { Keyspace = CacheKey.Keyspace(CacheGroup.KeyScheme, graph.Name, graph.Hash, nodes) });
        }

        return new CachePlan(groups.ToImmutable());
    }

    private static string? Check(Graph graph, ImmutableHashSet<int> nodes, HashSet<int> taken, long bytes)
    {
        if (nodes.IsEmpty || bytes <= 0)
        {
            return "no nodes or no bytes";
        }

        foreach (var n in nodes)
        {
            if (n < 0 || n >= graph.Nodes.Length)
            {
                return $"node {n} does not exist";
            }

            var node = graph[n];
            if (node.Kind is NodeKind.Source or NodeKind.Sink || !node.Props.IsCacheable)
            {
                return $"node {n} ({node.Label}) is not cacheable";
            }

            if (taken.Contains(n))
            {
                return $"node {n} is already in another cache";
            }
        }

        return null;
    }
}
