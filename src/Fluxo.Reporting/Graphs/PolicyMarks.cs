using Fluxo.Policy;

namespace Fluxo.Reporting.Graphs;

/// <summary>What a policy does to one node: the cache holding it (index into the policy's caches), pre-computed, speculated.</summary>
public readonly record struct NodeMark(int? Cache, bool Precomputed, bool Speculated)
{
    public bool Any => Cache is not null || Precomputed || Speculated;
}

/// <summary>
/// A policy's decisions by node, for drawings of the graph (`fluxo graph --policy`, the report's graph): the one
/// place that reads which nodes a cache, a pre-computation or a speculation covers.
/// </summary>
public sealed class PolicyMarks
{
    /// <summary>Colours of caches 0, 1, ...: the report's hit-ratio chart and graph drawings share them.</summary>
    public static readonly IReadOnlyList<string> CacheColors = ["#1f77b4", "#ff7f0e", "#17becf", "#d62728", "#8c564b", "#e377c2", "#bcbd22", "#7f7f7f"];

    public const string PrecomputeColor = "#2ca02c";

    public const string SpeculateColor = "#9467bd";

    private readonly PolicyDocument? _policy;

    public PolicyMarks(PolicyDocument? policy) => _policy = policy;

    public static PolicyMarks None { get; } = new(null);

    public IReadOnlyList<CacheDecision> Caches => _policy is null ? [] : _policy.Caches;

    public NodeMark Of(string handler, int node)
    {
        if (_policy is null)
        {
            return default;
        }

        int? cache = null;
        for (var i = 0; i < _policy.Caches.Length && cache is null; i++)
        {
            if (_policy.Caches[i].Handler == handler && _policy.Caches[i].Nodes.Contains(node))
            {
                cache = i;
            }
        }

        return new NodeMark(
            cache,
            _policy.Precompute.Any(p => p.Handler == handler && p.Nodes.Contains(node)),
            _policy.Speculate.Any(s => s.Handler == handler && s.Nodes.Contains(node)));
    }

    public static string CacheColor(int cache) => CacheColors[cache % CacheColors.Count];
}
