using Fluxo.Optimizer.Replay;
using Fluxo.Optimizer.Search;
using Fluxo.Policy;
using Fluxo.TestSupport;
using Fluxo.Trace;

namespace Fluxo.Optimizer.Tests;

/// <summary>
/// The simulator's fast paths (requests in blocks, caches looked up one after another, the block interpreter) against a
/// replay written the plain way: request after request, a list for each LRU, the one-request interpreter, a sort for the
/// percentiles. Every number must be the same to the bit.
/// </summary>
public sealed class ReplayEquivalenceTests
{
    [Theory]
    [InlineData(0, 8 * 1024, 0.5, 0.25)]
    [InlineData(1, 64 * 1024, 0.1, 0.05)]
    [InlineData(2, 1 << 20, 1.5, 0.75)]
    [InlineData(3, 600, 0.0, 0.0)]
    public void A_replay_gives_the_plain_replays_numbers_to_the_bit(int workload, long budget, double lookupMs, double insertMs)
    {
        // More requests than a block, and not a multiple of one, so blocks and the last partial one are both crossed.
        var requests = (3 * BlockReplay.Rows) + 77;
        var trace = new WeatherTraceGenerator().Generate(WeatherWorkload.Paper[workload % WeatherWorkload.Paper.Count], requests, seed: 11 + workload);
        var session = SimulatorTests.Session(trace, new CostModel(lookupMs, insertMs)).WithBudget(budget);
        var flat = session.Parts[0].Trace;
        var fast = new Simulator(flat, session.Simulator.Cost);
        var plain = new Simulator(flat, session.Simulator.Cost) { PlainReplay = true };
        var rng = new Random(workload);
        var blockable = 0;
        for (var i = 0; i < 150; i++)
        {
            var placement = RandomPolicies.Draw(session.Evaluator, rng);
            var expected = Reference(fast, placement);
            var program = ReplayProgram.Compile(flat, [.. placement.Select(c => c.Candidate)])!;
            blockable += program.Blockable ? 1 : 0;
            Same(expected, fast.Run(placement), placement);
            Same(expected, plain.Run(placement), placement);
        }

        Assert.Equal(150, blockable);
    }

    private static void Same(SimulationResult expected, SimulationResult actual, CachePlacement[] placement)
    {
        var what = string.Join(", ", placement.Select(p => p.ToString()));
        Assert.True(Bits(expected.MeanMs) == Bits(actual.MeanMs), $"mean {actual.MeanMs:R} against {expected.MeanMs:R} for {what}");
        Assert.True(Bits(expected.P50Ms) == Bits(actual.P50Ms), $"p50 {actual.P50Ms:R} against {expected.P50Ms:R} for {what}");
        Assert.True(Bits(expected.P95Ms) == Bits(actual.P95Ms), $"p95 {actual.P95Ms:R} against {expected.P95Ms:R} for {what}");
        Assert.True(Bits(expected.P99Ms) == Bits(actual.P99Ms), $"p99 {actual.P99Ms:R} against {expected.P99Ms:R} for {what}");
        Assert.Equal(expected.Caches, actual.Caches);
    }

    private static long Bits(double value) => BitConverter.DoubleToInt64Bits(value);

    /// <summary>The replay of a whole trace the plain way (no sample, no expiry).</summary>
    private static SimulationResult Reference(Simulator simulator, CachePlacement[] placement)
    {
        var trace = simulator.Trace;
        var program = ReplayProgram.Compile(trace, [.. placement.Select(c => c.Candidate)])!;
        var keys = placement.Select(c => simulator.KeysOf(c.Candidate)!).ToArray();
        var lrus = placement.Select(c => new ListLru(c.Bytes)).ToArray();
        var none = ReplayProgram.Compile(trace, [])!;
        var noneReady = new double[trace.Facts.NodeCount];
        var ready = new double[trace.Facts.NodeCount];
        var latencies = new double[trace.Requests];
        var sum = 0.0;
        for (var r = 0; r < trace.Requests; r++)
        {
            var hits = 0UL;
            for (var j = 0; j < placement.Length; j++)
            {
                if (keys[j].EntryBytes[r] >= 0 && lrus[j].Access(keys[j].KeyIds[r], keys[j].EntryBytes[r]))
                {
                    hits |= 1UL << j;
                }
            }

            var baseline = none.Run(trace, r, 0, noneReady, simulator.Cost.LookupMs, simulator.Cost.InsertMs);
            latencies[r] = program.Caches[trace.ShapeOf[r]] ? program.Run(trace, r, hits, ready, simulator.Cost.LookupMs, simulator.Cost.InsertMs) : baseline;
            sum += latencies[r];
        }

        Array.Sort(latencies);
        double At(double p) => latencies[LatencyHistogram.Rank(p, latencies.Length)];
        return new SimulationResult(trace.Requests, sum / trace.Requests, At(0.50), At(0.95), At(0.99),
            [.. lrus.Select(l => new CacheStats(l.Lookups, l.Hits, l.PeakBytes, l.UsedBytes))]);
    }

    /// <summary>A byte-budgeted LRU as a list, most recent first.</summary>
    private sealed class ListLru(long capacity)
    {
        private readonly LinkedList<(int Key, int Size)> _order = [];
        private readonly Dictionary<int, LinkedListNode<(int Key, int Size)>> _nodes = [];

        public long Lookups { get; private set; }

        public long Hits { get; private set; }

        public long UsedBytes { get; private set; }

        public long PeakBytes { get; private set; }

        public bool Access(int key, int size)
        {
            Lookups++;
            if (_nodes.TryGetValue(key, out var node))
            {
                _order.Remove(node);
                _order.AddFirst(node);
                Hits++;
                return true;
            }

            if (size > capacity)
            {
                return false;
            }

            while (UsedBytes + size > capacity)
            {
                var last = _order.Last!;
                _order.RemoveLast();
                _nodes.Remove(last.Value.Key);
                UsedBytes -= last.Value.Size;
            }

            _nodes[key] = _order.AddFirst((key, size));
            UsedBytes += size;
            PeakBytes = Math.Max(PeakBytes, UsedBytes);
            return false;
        }
    }
}
