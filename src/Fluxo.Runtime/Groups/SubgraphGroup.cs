using Fluxo.Ir;
using Fluxo.Policy;
using Fluxo.Runtime.Caching;

namespace Fluxo.Runtime.Groups;

/// <summary>A cached (or pre-computed, or speculated) subgraph in one graph: its members, the edges entering it in key order, and the members read outside it.</summary>
internal sealed class SubgraphGroup
{
    public CacheDecision? Decision { get; init; }

    /// <summary>The cache; null for a group served by <see cref="Ahead"/> (pre-computed or speculated) instead.</summary>
    public ISubgraphCache? Cache { get; init; }

    /// <summary>Set for a pre-computed or speculated subgraph.</summary>
    public AheadGroup? Ahead { get; init; }

    public required int[] Members { get; init; }

    public required Edge[] Entering { get; init; }

    public required int[] Exits { get; init; }
}
