using System.Diagnostics;
using Fluxo.Optimizer.Candidates;
using Fluxo.Optimizer.Replay;

namespace Fluxo.Optimizer.Search;

/// <summary>
/// The fast search: one pass per candidate gives its latency-gain curve over cache size
/// (<see cref="HitCurve"/>); the budget is split greedily by marginal gain per byte along the curves'
/// concave hulls, from several starting subgraphs since caches must not overlap; the best predictions
/// are replayed exactly and the winner polished by local moves under the exact simulator.
/// </summary>
public static class MrcSearch
{
    /// <param name="ConfirmTop">How many of the best predicted policies are replayed exactly.</param>
    /// <param name="ExactNodeEvents">Node events the exact replays may spend in all (confirming, polishing, perturbing); bounds them on big traces.</param>
    public sealed record Options(int ConfirmTop = 4, long ExactNodeEvents = 30_000_000, int MinReplays = 2, int MaxReplays = 600, int Seed = 1);

    public static SearchResult Run(PolicyEvaluator evaluator, Options? options = null, SearchProgress? progress = null)
    {
        options ??= new Options();
        var clock = Stopwatch.StartNew();
        var replaysBefore = evaluator.Replays;
        // Curves are independent of each other; building them on every core keeps big traces fast.
        var built = new HitCurve?[evaluator.Candidates.Count];
        var finished = 0;
        for (var p = 0; p < evaluator.Simulator.Parts.Count; p++)
        {
            evaluator.Simulator.BaseLatencies(p);
        }

        Parallel.For(0, built.Length, i =>
        {
            built[i] = HitCurve.Of(evaluator.Simulator, evaluator.Candidates[i], evaluator.Budget);
            var n = Interlocked.Increment(ref finished);
            lock (built)
            {
                progress?.Invoke("hit-ratio curves", (double)n / built.Length);
            }
        });
        var curves = built.OfType<HitCurve>().ToList();

        progress?.Invoke("hit-ratio curves", 1);
        var hulls = curves.ToDictionary(c => c.Candidate, c => c.Hull());
        var byCandidate = curves.ToDictionary(c => c.Candidate);
        var proposals = new Dictionary<string, (CachePlacement[] Placement, double Predicted)>();
        void Propose(CachePlacement[] p)
        {
            var key = string.Join(";", p.OrderBy(x => x.Candidate.Index).Select(x => $"{x.Candidate.Index}:{x.Bytes}"));
            proposals[key] = (p, p.Sum(x => byCandidate[x.Candidate].GainAt(x.Bytes)));
        }

        Propose(Greedy(evaluator, hulls, byCandidate, null));
        foreach (var c in curves.Where(c => hulls[c.Candidate].Count > 1))
        {
            Propose(Greedy(evaluator, hulls, byCandidate, c.Candidate));
        }

        var events = Math.Max(1, evaluator.Simulator.NodeEvents);
        var allowance = (int)Math.Clamp(options.ExactNodeEvents / events, options.MinReplays, options.MaxReplays);
        var stop = evaluator.Replays + allowance;
        SimulationResult best = evaluator.Evaluate([])!;
        CachePlacement[] bestPlacement = [];
        var confirm = proposals.Values.OrderByDescending(p => p.Predicted).Take(Math.Min(options.ConfirmTop, Math.Max(1, allowance / 2))).ToArray();
        evaluator.Prefetch(confirm.Select(p => p.Placement));
        foreach (var (placement, _) in confirm)
        {
            var result = evaluator.Evaluate(placement);
            if (evaluator.Better(result, best))
            {
                (best, bestPlacement) = (result!, placement);
            }
        }

        progress?.Invoke("polishing", 0);
        var b = evaluator.Budget;
        long[] steps = [b / 16, b / 64, b / 256];
        var polished = LocalMoves.Descend(evaluator, bestPlacement, best, steps, stop - evaluator.Replays);

        // Median latency is a step function of the budgets: kick the split and descend again while replays remain.
        var rng = new Random(options.Seed);
        var idle = 0;
        while (evaluator.Replays < stop && polished.Placement.Length > 0 && idle < 20)
        {
            var before = evaluator.Replays;
            progress?.Invoke("polishing", (double)(evaluator.Replays - stop + allowance) / allowance);
            var kicked = Perturb(polished.Placement, b / 64, rng, evaluator);
            var result = evaluator.Evaluate(kicked);
            if (result is null)
            {
                continue;
            }

            var again = LocalMoves.Descend(evaluator, kicked, result, steps, stop - evaluator.Replays);
            if (evaluator.Better(again.Result, polished.Result))
            {
                polished = again;
            }

            idle = evaluator.Replays == before ? idle + 1 : 0;
        }

        progress?.Invoke("polishing", 1);
        return new SearchResult("mrc", polished.Placement, polished.Result, evaluator.Replays - replaysBefore, clock.Elapsed);
    }

    /// <summary>Moves a random number (1-16) of grid units from one cache to another, keeping the total.</summary>
    private static CachePlacement[] Perturb(CachePlacement[] placement, long unit, Random rng, PolicyEvaluator evaluator)
    {
        var next = (CachePlacement[])placement.Clone();
        if (next.Length < 2)
        {
            var all = LocalMoves.Neighbours(evaluator, next, unit * (1 + rng.Next(16))).ToArray();
            return all.Length == 0 ? next : all[rng.Next(all.Length)];
        }

        var a = rng.Next(next.Length);
        var c = (a + 1 + rng.Next(next.Length - 1)) % next.Length;
        var amount = Math.Min(unit * (1 + rng.Next(16)), next[a].Bytes - 1);
        next[a] = next[a] with { Bytes = next[a].Bytes - amount };
        next[c] = next[c] with { Bytes = next[c].Bytes + amount };
        return next;
    }

    /// <summary>Greedy split of the budget by gain per byte along the hulls, optionally starting with <paramref name="first"/>.</summary>
    private static CachePlacement[] Greedy(
        PolicyEvaluator evaluator,
        Dictionary<Candidate, IReadOnlyList<(long Bytes, double Gain)>> hulls,
        Dictionary<Candidate, HitCurve> curves,
        Candidate? first)
    {
        var vertex = new Dictionary<Candidate, int>();
        var bytes = new Dictionary<Candidate, long>();
        var remaining = evaluator.Budget;
        if (first is not null)
        {
            var cost = Math.Min(hulls[first][1].Bytes, remaining);
            vertex[first] = 1;
            bytes[first] = cost;
            remaining -= cost;
        }

        while (remaining > 0)
        {
            Candidate? pick = null;
            var pickSlope = 0.0;
            foreach (var (c, hull) in hulls)
            {
                var at = vertex.GetValueOrDefault(c);
                if (at + 1 >= hull.Count || (at == 0 && !evaluator.Compatible(bytes.Keys.Append(c))))
                {
                    continue;
                }

                var slope = (hull[at + 1].Gain - hull[at].Gain) / (hull[at + 1].Bytes - hull[at].Bytes);
                if (slope > pickSlope)
                {
                    (pick, pickSlope) = (c, slope);
                }
            }

            if (pick is null)
            {
                break;
            }

            var next = vertex.GetValueOrDefault(pick) + 1;
            var step = Math.Min(hulls[pick][next].Bytes - bytes.GetValueOrDefault(pick), remaining);
            bytes[pick] = bytes.GetValueOrDefault(pick) + step;
            vertex[pick] = next;
            remaining -= step;
        }

        // Left-over bytes go where they help most: an LRU never hits less with more room.
        if (remaining > 0 && bytes.Count > 0)
        {
            var target = bytes.Keys.MaxBy(c => curves[c].GainAt(bytes[c] + remaining) - curves[c].GainAt(bytes[c]))!;
            bytes[target] += remaining;
        }

        return [.. bytes.Where(kv => kv.Value > 0).Select(kv => new CachePlacement(kv.Key, kv.Value))];
    }
}
