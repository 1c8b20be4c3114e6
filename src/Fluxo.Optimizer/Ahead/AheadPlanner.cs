using Fluxo.Ir;
using Fluxo.Policy;
using Fluxo.Regions;

namespace Fluxo.Optimizer.Ahead;

/// <summary>
/// Chooses pre-computations and speculations from a trace, around caches already chosen, and fills in their
/// evidence by replaying the whole trace with and without each decision.
/// </summary>
public static class AheadPlanner
{
    /// <summary>A speculation is proposed when at least this share of A's followed requests were followed by B.</summary>
    public const double MinProbability = 0.25;

    /// <summary>A speculation is kept only when the work it wastes is at most this multiple of the work it puts to use.</summary>
    public const double MaxWastePerUsedWork = 1.0;

    /// <summary>A parameter of B is bound to a value A knew when at least this share of A-then-B pairs agree on it.</summary>
    public const double MinAgreement = 0.9;

    /// <summary>
    /// Pre-computable parts: per handler, the nodes that never depend on the request and may run apart from it.
    /// Without <paramref name="stalenessSeconds"/> only deterministic nodes qualify and are never refreshed; with
    /// it, feeds and table reads qualify too and are refreshed that often.
    /// </summary>
    public static IReadOnlyList<PrecomputeDecision> Precompute(ServiceReplay replay, PolicyDocument around, double? stalenessSeconds)
    {
        var result = new List<PrecomputeDecision>();
        foreach (var part in replay.Parts)
        {
            var taken = Taken(around, part.Graph.Name);
            var nodes = AheadRules.Closure(part.Graph,
                n => AheadRules.MayPrecompute(n) && !taken.Contains(n.Id) && (stalenessSeconds is not null || n.Props.Deterministic), _ => false);
            if (nodes.Length == 0)
            {
                continue;
            }

            var self = part.MeanSelf();
            var work = nodes.Sum(v => self[v]);
            var bytes = EntryBytes(part, nodes);
            var refresh = stalenessSeconds ?? 0;
            var decision = new PrecomputeDecision(part.Graph.Name, part.Graph.Hash, [.. nodes], refresh,
                replay.Cost.LookupMs, Math.Round(work, 4), refresh > 0 ? Math.Round(work * 3600 / refresh, 2) : 0, bytes);
            var without = replay.Run(around);
            var with = replay.Run(around with { Precompute = [.. around.Precompute, decision] });
            if (with.MeanByHandler[part.Graph.Name] < without.MeanByHandler[part.Graph.Name] - 1e-9)
            {
                // What it saved on the critical path plus the lookup is what computing it cost that path.
                var onPath = without.MeanByHandler[part.Graph.Name] - with.MeanByHandler[part.Graph.Name] + replay.Cost.LookupMs;
                result.Add(decision with { ComputeCostMs = Math.Round(Math.Max(onPath, work), 4) });
            }
        }

        return result;
    }

    /// <summary>
    /// A cache becomes a hot-key part only when the replay's score falls by at least this share: an LRU follows keys the trace
    /// never showed, a fixed set of keys does not, so a tie in-sample is a loss on later traffic (address book: 0.002% better
    /// in the replay, 1.5% worse in the run).
    /// </summary>
    public const double MinHotKeyGain = 0.001;

    /// <summary>
    /// Pre-computation of the hottest keys of request-dependent parts: each cache of <paramref name="policy"/> whose part reads
    /// request fields only (<see cref="AheadRules.PartProblem"/> with hot keys) is tried as a part that stores the trace's most
    /// requested keys that fit the cache's bytes (K chosen by the budget the search gave those nodes), refreshed as often as the
    /// cache's entries expire; the swap is kept when the whole replay scores lower by <paramref name="score"/>. Unlike an LRU,
    /// the stored keys are never evicted by cold keys, and refreshes, off the requests' path, replace misses on expiry. The
    /// bytes the parts leave unused go to a remaining cache (<see cref="Regrow"/>).
    /// </summary>
    public static PolicyDocument HotKeys(ServiceReplay replay, PolicyDocument policy, Func<AheadResult, double> score)
    {
        var best = score(replay.Run(policy));
        var freed = 0L;
        foreach (var cache in policy.Caches.OrderByDescending(c => c.Bytes).ThenBy(c => c.Handler, StringComparer.Ordinal).ToList())
        {
            int[] nodes = [.. cache.Nodes.Distinct().Order()];
            if (replay.PartOf(cache.Handler) is not { } part || AheadRules.PartProblem(part.Graph, nodes, speculate: false, hotKeys: true) is not null
                || HotDecision(replay, part, nodes, cache.Bytes, cache.TtlSeconds) is not { } decision)
            {
                continue;
            }

            var trial = policy with { Caches = policy.Caches.Remove(cache), Precompute = policy.Precompute.Add(decision) };
            var scored = score(replay.Run(trial));
            if (scored < best * (1 - MinHotKeyGain))
            {
                (policy, best) = (trial, scored);
                freed += cache.Bytes - decision.Bytes;
            }
        }

        return Regrow(replay, policy, freed, best, score);
    }

    /// <summary>
    /// The bytes a hot-key part leaves unused (it stores only keys requested twice) go to the remaining cache that scores best
    /// with them, when one does: an LRU's hits are not chosen from the trace, so they hold on later traffic.
    /// </summary>
    private static PolicyDocument Regrow(ServiceReplay replay, PolicyDocument policy, long freed, double best, Func<AheadResult, double> score)
    {
        var chosen = policy;
        foreach (var cache in freed > 0 ? policy.Caches : [])
        {
            var trial = policy with { Caches = policy.Caches.Replace(cache, cache with { Bytes = cache.Bytes + freed }) };
            var scored = score(replay.Run(trial));
            if (scored < best)
            {
                (chosen, best) = (trial, scored);
            }
        }

        return chosen;
    }

    /// <summary>The part of <paramref name="nodes"/> storing the most requested keys of the trace that fit <paramref name="bytes"/>; null when no key was requested twice.</summary>
    private static PrecomputeDecision? HotDecision(ServiceReplay replay, ServiceReplay.Part part, int[] nodes, long bytes, double refreshSeconds)
    {
        var block = ServiceReplay.Block(part.Facts, nodes);

        // The simulator's interned keys of the same node set (a cache of the policy, so it has them) count each key in an
        // array slot: a dictionary of the runtime's keys would take 36 bytes per distinct key and grow by copies. An entry's
        // size is what its exits carried plus the overhead, as a cache entry's (CandidateKeys).
        if (part.Simulator.KeysOf(block) is not { } ids)
        {
            return null;
        }

        var keys = part.KeysOf(block);
        var count = new int[ids.DistinctKeys];
        var most = new int[ids.DistinctKeys];
        var row = new int[ids.DistinctKeys];
        for (var r = 0; r < part.Flat.Requests; r++)
        {
            var size = ids.EntryBytes[r];
            if (size < 0)
            {
                continue;
            }

            var id = ids.KeyIds[r];
            if (count[id]++ == 0)
            {
                row[id] = r;
            }

            most[id] = Math.Max(most[id], size);
        }

        var chosen = new List<ulong>();
        var total = 0L;
        var repeated = Enumerable.Range(0, ids.DistinctKeys).Where(id => count[id] >= 2).Select(id => (Key: keys.At(row[id])!.Value, Count: count[id], Size: (long)most[id]));
        foreach (var (key, _, size) in repeated.OrderByDescending(k => k.Count).ThenBy(k => k.Key))
        {
            if (total + size > bytes)
            {
                break;
            }

            chosen.Add(key);
            total += size;
        }

        if (chosen.Count == 0)
        {
            return null;
        }

        var self = part.MeanSelf();
        var work = nodes.Sum(v => self[v]);
        return new PrecomputeDecision(part.Graph.Name, part.Graph.Hash, [.. nodes], refreshSeconds, replay.Cost.LookupMs, Math.Round(work, 4),
            refreshSeconds > 0 ? Math.Round(chosen.Count * work * 3600 / refreshSeconds, 2) : 0, total, [.. chosen.Select(CacheKey.Format)]);
    }

    /// <summary>Speculations learned from client sessions: for each handler A, its most likely successor B and the part of B computable from A's parameters and result.</summary>
    public static IReadOnlyList<SpeculateDecision> Speculate(ServiceReplay replay, PolicyDocument around)
    {
        // Counted in one pass, not listed: a list of every consecutive pair holds 16 bytes per request, three times over.
        var result = new List<SpeculateDecision>();
        var parts = replay.Parts;
        var counts = new int[parts.Count, parts.Count];
        var firstSeen = new long[parts.Count, parts.Count];
        long seen = 0;
        foreach (var p in replay.SessionPairs())
        {
            if (counts[p.PartA, p.PartB]++ == 0)
            {
                firstSeen[p.PartA, p.PartB] = seen;
            }

            seen++;
        }

        for (var a = 0; a < parts.Count; a++)
        {
            // The most frequent successor; among equals, the one that followed first.
            var (b, count, followed) = (-1, 0, 0L);
            for (var x = 0; x < parts.Count; x++)
            {
                followed += counts[a, x];
                if (counts[a, x] > count || (counts[a, x] == count && count > 0 && firstSeen[a, x] < firstSeen[a, b]))
                {
                    (b, count) = (x, counts[a, x]);
                }
            }

            if (followed == 0)
            {
                continue;
            }

            var probability = (double)count / followed;
            if (probability < MinProbability)
            {
                continue;
            }

            var partA = parts[a];
            var partB = parts[b];
            var pairsAB = new (int RowA, int RowB)[count];
            var k = 0;
            foreach (var p in replay.SessionPairs())
            {
                if (p.PartA == a && p.PartB == b)
                {
                    pairsAB[k++] = (p.RowA, p.RowB);
                }
            }

            var bindings = new List<InputBinding>();
            foreach (var param in partB.Graph.Params)
            {
                var choices = partA.Graph.Params.Select(q => new InputBinding(param.Name, q.Name))
                    .Append(new InputBinding(param.Name, "", FromResult: true))
                    .Concat(ResultFields(replay.Module, partA.Graph).Select(f => new InputBinding(param.Name, "", FromResult: true, ResultField: f)));
                var best = choices.Select(c => (c, Agreement(partA, partB, pairsAB, c))).MaxBy(x => x.Item2);
                if (best.Item2 >= MinAgreement)
                {
                    bindings.Add(best.c);
                }
            }

            var bound = bindings.Select(x => x.Param).ToHashSet();
            var taken = Taken(around with { Speculate = [] }, partB.Graph.Name);
            var nodes = AheadRules.Closure(partB.Graph, n => AheadRules.MaySpeculate(n) && !taken.Contains(n.Id), f => f is not null && bound.Contains(f));

            // Speculations after different handlers may guess the same part of B, not parts that only overlap.
            if (around.Speculate.Concat(result).Any(s => s.Handler == partB.Graph.Name && s.Nodes.Intersect(nodes).Any() && !s.Nodes.SequenceEqual(nodes)))
            {
                continue;
            }

            var self = partB.MeanSelf();
            if (nodes.Sum(v => self[v]) <= 0)
            {
                continue;
            }

            var decision = new SpeculateDecision(partA.Graph.Name, partB.Graph.Name, partB.Graph.Hash, [.. nodes], [.. bindings],
                Math.Round(probability, 4), 0, 0, EntryBytes(partB, nodes));
            var without = replay.Run(around);
            var with = replay.Run(around with { Speculate = [.. around.Speculate, decision] });
            var saving = (without.MeanByHandler[partB.Graph.Name] - with.MeanByHandler[partB.Graph.Name]) * partB.Flat.Requests / Math.Max(1, count);
            var wasted = with.WastedWorkMs - without.WastedWorkMs;
            var used = with.UsedWorkMs - without.UsedWorkMs;
            if (saving > 1e-9 && wasted <= MaxWastePerUsedWork * used)
            {
                result.Add(decision with
                {
                    ExpectedSavingMs = Math.Round(saving, 4),
                    ExpectedWasteMs = Math.Round(with.Speculations == 0 ? 0 : (with.WastedWorkMs - without.WastedWorkMs) / Math.Max(1, with.Speculations - without.Speculations), 4),
                });
            }
        }

        return result;
    }

    private static double Agreement(ServiceReplay.Part a, ServiceReplay.Part b, (int RowA, int RowB)[] pairs, InputBinding binding)
    {
        var agree = 0;
        foreach (var p in pairs)
        {
            var guess = !binding.FromResult ? a.FieldHash(p.RowA, binding.FromParam)
                : binding.ResultField is { } field ? a.ResultFieldHash(p.RowA, field) : a.ResultHash(p.RowA);
            if (guess is not null && guess == b.FieldHash(p.RowB, binding.Param))
            {
                agree++;
            }
        }

        return (double)agree / pairs.Length;
    }

    /// <summary>The fields of a handler's result when it is a declared record: each may bind a later request's parameter.</summary>
    private static IEnumerable<string> ResultFields(IrModule module, Graph graph) =>
        module.Records.FirstOrDefault(r => r.Name == graph.ReturnType.TrimEnd('?'))?.Fields.Select(f => f.Name) ?? [];

    private static HashSet<int> Taken(PolicyDocument policy, string handler) =>
    [
        .. policy.Caches.Where(c => c.Handler == handler).SelectMany(c => c.Nodes),
        .. policy.Precompute.Where(c => c.Handler == handler).SelectMany(c => c.Nodes),
        .. policy.Speculate.Where(c => c.Handler == handler).SelectMany(c => c.Nodes),
    ];

    /// <summary>Mean bytes of the values the part's exits produced, plus the entry overhead.</summary>
    private static long EntryBytes(ServiceReplay.Part part, int[] nodes)
    {
        var exits = RegionBoundary.Outputs(part.Graph, nodes).ToHashSet();
        var edges = part.Facts.Edges.Count;
        var total = 0L;
        for (var r = 0; r < part.Flat.Requests; r++)
        {
            var seen = new HashSet<int>();
            for (var e = 0; e < edges; e++)
            {
                var from = part.Facts.Edges[e].From;
                var bytes = part.Flat.EdgeBytes[(r * edges) + e];
                if (exits.Contains(from) && bytes >= 0 && seen.Add(from))
                {
                    total += bytes;
                }
            }
        }

        return (total / Math.Max(1, part.Flat.Requests)) + CacheKey.EntryOverheadBytes;
    }

    /// <summary>Adds the planned decisions to <paramref name="policy"/>, pre-computations first so speculations do not take their nodes.</summary>
    public static PolicyDocument Plan(ServiceReplay replay, PolicyDocument policy, double? stalenessSeconds, bool precompute = true, bool speculate = true)
    {
        if (precompute)
        {
            policy = policy with { Precompute = [.. policy.Precompute, .. Precompute(replay, policy, stalenessSeconds)] };
        }

        if (speculate)
        {
            policy = policy with { Speculate = [.. policy.Speculate, .. Speculate(replay, policy)] };
        }

        return policy;
    }
}
