using System.Collections.Immutable;
using Fluxo.Diagnostics;
using Fluxo.Ir;
using Fluxo.Policy;
using Fluxo.Regions;

namespace Fluxo.Backend.Azure;

/// <summary>What a group of a generated handler is: a cache, a pre-computed part or a speculated part.</summary>
internal enum GroupKind
{
    Cache,
    Precompute,
    Speculate,
}

/// <summary>
/// A <see cref="CachedRegion"/>, or a part the policy runs ahead of requests (<see cref="AheadRules"/>), placed in a
/// generated handler under the id its Redis keys carry.
/// </summary>
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

    /// <summary>For a cache: how long an entry may serve (<see cref="CacheDecision.TtlMs"/>); 0 forever.</summary>
    public double TtlMs { get; init; }

    public GroupKind Kind { get; init; } = GroupKind.Cache;

    public string Handler { get; init; } = "";

    /// <summary>For a part run ahead: the positions of its decisions in the policy's precompute or speculate list.</summary>
    public ImmutableArray<int> Decisions { get; init; } = [];

    /// <summary>For a speculated part: the tables it reads, and those it reads with a computed partition key, checked table-wide (<see cref="AheadRules.TableAccess"/>).</summary>
    public ImmutableArray<string> Reads { get; init; } = [];

    public ImmutableArray<string> TableWideReads { get; init; } = [];
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

    public static CachePlan For(IrModule module, Graph graph, PolicyDocument? policy, DiagnosticBag diagnostics)
    {
        var groups = ImmutableArray.CreateBuilder<CacheGroup>();
        var taken = NodeClaims.Empty(graph.Nodes.Length);
        var reach = new GraphReach(graph);
        var decisions = policy?.Caches ?? [];
        for (var i = 0; i < decisions.Length; i++)
        {
            var d = decisions[i];
            if (d.Handler != graph.Name)
            {
                continue;
            }

            var region = CachedRegion.ForCache(module, reach, d.Nodes.IsDefault ? [] : d.Nodes, d.TtlMs, out var problem, out var stale);
            if (region is null)
            {
                var at = DecisionSpan(graph, d.Nodes.IsDefault ? [] : d.Nodes, $"$.caches[{i}]");
                diagnostics.Add(stale is null ? problem!.ToDiagnostic(at, Severity.Warning) : Diag.BadCacheTtl(at, stale, Severity.Warning));
                continue;
            }

            var index = groups.Count;
            var clash = d.Bytes <= 0 ? null : NodeClaims.Claim(taken, region.Nodes, index);
            if (d.Bytes <= 0 || clash is not null)
            {
                diagnostics.Add(Diag.AzureBadCache(DecisionSpan(graph, region.Nodes, $"$.caches[{i}]"), graph.Name, d.Bytes <= 0 ? "no bytes" : $"node {clash} is already in another cache"));
                continue;
            }

            groups.Add(new CacheGroup(
                $"{graph.Name}.{index}", index, [.. region.Nodes], [.. region.KeyEdges.Select(e => (e.To, e.ToInput))], region.Outputs, d.Bytes)
            {
                Keyspace = CacheKey.Keyspace(CacheGroup.KeyScheme, graph.Name, graph.Hash, region.Nodes),
                TtlMs = d.TtlMs,
            });
        }

        AddAhead(graph, policy, groups, taken, diagnostics);
        return new CachePlan(groups.ToImmutable());
    }

    private static string Where(GroupKind kind, int index) => kind == GroupKind.Speculate ? $"$.speculate[{index}]" : $"$.precompute[{index}]";

    /// <summary>
    /// Where a policy decision the back end passes over shows in the service: the source of its first node (the
    /// handler's own when none is in the graph), with the decision's place in the policy (<paramref name="where"/>).
    /// </summary>
    private static SourceSpan DecisionSpan(Graph graph, IEnumerable<int> nodes, string where)
    {
        var inner = nodes.Where(n => n > 0 && n < graph.Nodes.Length).Select(n => graph.Nodes[n]).FirstOrDefault();
        var span = (inner ?? graph.Nodes.FirstOrDefault())?.Span ?? SourceSpan.None(graph.Name);
        return span with { Path = where };
    }

    /// <summary>
    /// The policy's pre-computed and speculated parts of <paramref name="graph"/>, by the rules the runtime follows
    /// (<c>Runtime.Groups.AheadGroups</c>): speculations after different handlers that guess the same part share one group.
    /// </summary>
    private static void AddAhead(Graph graph, PolicyDocument? policy, ImmutableArray<CacheGroup>.Builder groups, int[] taken, DiagnosticBag diagnostics)
    {
        IEnumerable<(GroupKind Kind, int Index, string Handler, ImmutableArray<int> Nodes, long Bytes)> parts =
        [
            .. (policy?.Precompute ?? []).Select((p, i) => (GroupKind.Precompute, i, p.Handler, p.Nodes, p.Bytes)),
            .. (policy?.Speculate ?? []).Select((s, i) => (GroupKind.Speculate, i, s.Handler, s.Nodes, s.Bytes)),
        ];
        foreach (var (kind, index, handler, nodes, bytes) in parts.Where(p => p.Handler == graph.Name))
        {
            int[] members = nodes.IsDefault ? [] : [.. nodes.Distinct().Order()];
            var hotKeys = kind == GroupKind.Precompute && policy!.Precompute[index].KeyedByRequest;
            if (AheadRules.PartProblem(graph, members, kind == GroupKind.Speculate, hotKeys) is { } problem)
            {
                diagnostics.Add(Diag.AzureBadCache(DecisionSpan(graph, members, Where(kind, index)), graph.Name, problem));
                continue;
            }

            var same = kind == GroupKind.Speculate ? groups.FirstOrDefault(g => g.Kind == kind && g.Nodes.SetEquals(members)) : null;
            if (same is not null)
            {
                groups[same.Index] = same with { Decisions = same.Decisions.Add(index) };
                continue;
            }

            var at = groups.Count;
            if (NodeClaims.Claim(taken, members, at) is { } clash)
            {
                diagnostics.Add(Diag.AzureBadCache(DecisionSpan(graph, members, Where(kind, index)), graph.Name, $"node {clash} is already in another cache or pre-computed part"));
                continue;
            }

            var reads = members.Select(m => graph[m]).Where(AheadRules.IsTableRead).Select(AheadRules.TableAccess).OfType<(string Table, int? PartitionInput)>().ToList();
            groups.Add(new CacheGroup(
                $"{graph.Name}.{at}", at, [.. members], [.. RegionBoundary.KeyEdges(graph, members).Select(e => (e.To, e.ToInput))], RegionBoundary.Outputs(graph, members), bytes)
            {
                Keyspace = CacheKey.Keyspace(CacheGroup.KeyScheme, graph.Name, graph.Hash, members),
                Kind = kind,
                Handler = graph.Name,
                Decisions = [index],
                Reads = [.. reads.Select(r => r.Table).Distinct().Order(StringComparer.Ordinal)],
                TableWideReads = [.. reads.Where(r => r.PartitionInput is null).Select(r => r.Table).Distinct().Order(StringComparer.Ordinal)],
            });
        }
    }
}
