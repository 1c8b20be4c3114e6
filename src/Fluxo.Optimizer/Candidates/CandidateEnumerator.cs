namespace Fluxo.Optimizer.Candidates;

/// <summary>
/// Lists the subgraphs a cache may wrap: every weakly connected convex set of cacheable nodes (or nodes that may be
/// reused for a while, <see cref="GraphFacts.MaxAgeMs"/>; single
/// nodes included) keyed only on values every request entering it reads (<see cref="Regions.CachedRegion"/>: inside one
/// arm of a branch, what that arm reads). Disconnected sets are left out: their
/// key would combine unrelated inputs and hit less often than separate caches. Growth is breadth-first
/// from single nodes, so small subgraphs come first and the bound cuts only the largest.
/// </summary>
public static class CandidateEnumerator
{
    public const int DefaultLimit = 2000;

    /// <summary>The candidates of one handler, numbered from <paramref name="firstIndex"/> and tagged with <paramref name="part"/>.</summary>
    public static IReadOnlyList<Candidate> Enumerate(GraphFacts facts, int limit = DefaultLimit, int part = 0, int firstIndex = 0)
    {
        var g = facts.Graph;
        var cacheable = Enumerable.Range(0, facts.NodeCount)
            .Where(v => v != g.SourceId && v != g.SinkId && (facts.MaxAgeMs is { } age ? age[v] > 0 : g.Nodes[v].Props.IsCacheable))
            .ToHashSet();
        var neighbours = new List<int>[facts.NodeCount];
        for (var v = 0; v < facts.NodeCount; v++)
        {
            neighbours[v] = [];
        }

        foreach (var e in facts.Edges)
        {
            if (cacheable.Contains(e.From) && cacheable.Contains(e.To) && e.From != e.To)
            {
                neighbours[e.From].Add(e.To);
                neighbours[e.To].Add(e.From);
            }
        }

        var result = new List<Candidate>();
        var seen = new HashSet<string>();
        var frontier = new Queue<int[]>();
        foreach (var v in cacheable.Order())
        {
            seen.Add(v.ToString(System.Globalization.CultureInfo.InvariantCulture));
            frontier.Enqueue([v]);
        }

        // Non-convex sets are still grown: adding the node on the detour can make them convex.
        var visitBudget = limit * 20;
        while (frontier.Count > 0 && result.Count < limit && visitBudget-- > 0)
        {
            var set = frontier.Dequeue();
            var candidate = Candidate.TryCreate(facts, firstIndex + result.Count, set, out _, part);
            if (candidate is not null)
            {
                result.Add(candidate);
            }

            foreach (var v in set)
            {
                foreach (var w in neighbours[v])
                {
                    if (Array.IndexOf(set, w) >= 0)
                    {
                        continue;
                    }

                    int[] grown = [.. set.Append(w).Order()];
                    if (seen.Add(string.Join(",", grown)))
                    {
                        frontier.Enqueue(grown);
                    }
                }
            }
        }

        return result;
    }
}
