using Fluxo.Diagnostics;
using Fluxo.Ir;
using Fluxo.Optimizer.Candidates;
using Fluxo.Optimizer.Replay;
using Fluxo.Policy;
using Fluxo.Trace;
using Fluxo.Values;

namespace Fluxo.Optimizer.Ahead;

/// <summary>
/// Replays a whole trace (every handler, in trace order) under a policy's caches, pre-computed parts and
/// speculations, with the runtime's rules: a pre-computed part is always served at <see cref="CostModel.LookupMs"/>;
/// speculations start and serve by <see cref="SpeculationRule"/>.
/// </summary>
public sealed partial class ServiceReplay
{
    /// <summary>Distinct policies whose whole replay is kept: the optimizer replays the same one several times (the decision rows, each planner's "without").</summary>
    private const int RunsKept = 8;

    private readonly List<Part> _parts = [];
    // A request's arrival is its row's in its part's flat trace, not a second copy here (8 bytes per request).
    private readonly ReplayOrder _order;

    // The requests are the first _count entries of _order: a prefix shares its whole trace's array instead of copying it.
    private readonly int _count;
    private readonly Dictionary<(string Policy, int MeasureFrom), AheadResult> _runs = [];

    // Latency arrays of replays that keep none, reused: each is 8 bytes per request.
    private readonly System.Collections.Concurrent.ConcurrentBag<double[]> _buffers = [];

    private ServiceReplay(IrModule module, CostModel cost, ReplayOrder order, List<Part> parts, int? count = null)
    {
        Module = module;
        Cost = cost;
        _order = order;
        _count = count ?? order.Count;
        _parts = parts;
    }

    /// <summary>Request i in replay order: its part, row, client and arrival.</summary>
    private (int Part, int Row, long Client, double Arrival) At(int i)
    {
        var (part, row, client) = _order[i];
        return (part, row, client, _parts[part].Flat.Arrivals[row]);
    }

    public IrModule Module { get; }

    public CostModel Cost { get; }

    public int Requests => _count;

    /// <summary>Replays request by request even a policy of caches alone, which the simulators replay by blocks otherwise: the reference the tests hold it to.</summary>
    internal bool PlainReplay { get; set; }

    /// <summary>Whether <see cref="Run"/>'s results keep every measured request's latency (<see cref="AheadResult.Latencies"/>); a prefix inherits it.</summary>
    public bool KeepLatencies { get; set; }

    /// <summary>
    /// Flattens every handler's requests, keeping a <paramref name="sample"/> share of the key space when below 1 as
    /// <see cref="Read"/> does; null with diagnostics when the trace does not fit the program.
    /// </summary>
    public static ServiceReplay? Create(IrModule module, TraceData trace, string path, DiagnosticBag diagnostics, CostModel? cost = null, double sample = 1.0)
    {
        if (sample < 1)
        {
            return CreateSampled(module, trace, path, diagnostics, cost, sample);
        }

        var parts = new List<Part>();
        var partOfGraph = new Dictionary<int, int>();
        foreach (var graph in module.Graphs)
        {
            var indexes = trace.Header.Graphs.Where(h => h.Name == graph.Name && h.Hash == graph.Hash).Select(h => h.Index).ToHashSet();
            if (!trace.Requests.Any(r => indexes.Contains(r.Graph)))
            {
                continue;
            }

            var facts = new GraphFacts(graph);
            var flat = FlatTrace.Build(trace, facts, path, diagnostics);
            if (flat is null)
            {
                return null;
            }

            foreach (var i in indexes)
            {
                partOfGraph[i] = parts.Count;
            }

            parts.Add(new Part(graph, facts, flat, new Simulator(flat, cost)));
        }

        var rows = new int[parts.Count];
        var order = ReplayOrder.From(trace.Requests.Where(r => partOfGraph.ContainsKey(r.Graph))
            .Select(r => (partOfGraph[r.Graph], rows[partOfGraph[r.Graph]]++, r.Client)));
        return new ServiceReplay(module, cost ?? CostModel.Default, order, parts) { TraceRequests = trace.Requests.Count };
    }

    private static ServiceReplay? CreateSampled(IrModule module, TraceData trace, string path, DiagnosticBag diagnostics, CostModel? cost, double sample)
    {
        var parts = new List<Part>();
        var partOfGraph = new Dictionary<int, int>();
        var kept = new bool[trace.Requests.Count];
        foreach (var graph in module.Graphs)
        {
            var indexes = trace.Header.Graphs.Where(h => h.Name == graph.Name && h.Hash == graph.Hash).Select(h => h.Index).ToHashSet();
            if (!trace.Requests.Any(r => indexes.Contains(r.Graph)))
            {
                continue;
            }

            var facts = new GraphFacts(graph);
            var builder = new FlatTraceBuilder(facts, trace.Header.SampleRate, sample, path, diagnostics);
            for (var i = 0; i < trace.Requests.Count; i++)
            {
                var r = trace.Requests[i];
                if (!indexes.Contains(r.Graph))
                {
                    continue;
                }

                if (builder.Add(r.Id, r.Nodes.AsSpan(), r.Edges.AsSpan(), r.ArrivalMs) is not { } inSample)
                {
                    return null;
                }

                kept[i] = inSample;
            }

            if (builder.Count == 0)
            {
                continue;
            }

            foreach (var i in indexes)
            {
                partOfGraph[i] = parts.Count;
            }

            var flat = builder.Build();
            parts.Add(new Part(graph, facts, flat, new Simulator(flat, cost)));
        }

        var rows = new int[parts.Count];
        var order = ReplayOrder.From(trace.Requests.Where((r, i) => kept[i] && partOfGraph.ContainsKey(r.Graph))
            .Select(r => (partOfGraph[r.Graph], rows[partOfGraph[r.Graph]]++, r.Client)));
        return new ServiceReplay(module, cost ?? CostModel.Default, order, parts) { TraceRequests = trace.Requests.Count };
    }

    internal IReadOnlyList<Part> Parts => _parts;

    internal Part? PartOf(string handler) => _parts.FirstOrDefault(p => p.Graph.Name == handler);

    /// <summary>Consecutive requests of one client, in arrival order: (part of A, row of A, part of B, row of B, gap from A's end to B's arrival).</summary>
    internal IEnumerable<(int PartA, int RowA, int PartB, int RowB)> SessionPairs()
    {
        var previous = PreviousOfClient();
        for (var i = 0; i < previous.Length; i++)
        {
            if (previous[i] >= 0)
            {
                var (partA, rowA, _, _) = At(previous[i]);
                var (partB, rowB, _, _) = At(i);
                yield return (partA, rowA, partB, rowB);
            }
        }
    }

    // Per request, its client's previous request (-1 for none): found once, since each planning step asks again
    // and a trace of one-off clients would build a dictionary of every request each time.
    private int[]? _previousOfClient;

    private int[] PreviousOfClient()
    {
        lock (_runs)
        {
            if (_previousOfClient is { } known)
            {
                return known;
            }
        }

        var previous = new int[Requests];
        long low = long.MaxValue, high = long.MinValue;
        for (var i = 0; i < previous.Length; i++)
        {
            var client = _order[i].Client;
            low = Math.Min(low, client);
            high = Math.Max(high, client);
        }

        if (previous.Length > 0 && (ulong)(high - low) < 4UL * (ulong)previous.Length)
        {
            // Clients numbered densely (sessions and generated traces count them): an array by client, 4 bytes a number,
            // instead of a dictionary's ~28 bytes per client, most of that time spent faulting fresh pages in.
            var lastPlusOne = new int[high - low + 1];
            for (var i = 0; i < previous.Length; i++)
            {
                ref var last = ref lastPlusOne[_order[i].Client - low];
                previous[i] = last - 1;
                last = i + 1;
            }
        }
        else
        {
            // Sized for one client per request at once: growing by doubling copied and page-faulted about twice as much.
            var last = new Dictionary<long, int>(Requests);
            for (var i = 0; i < previous.Length; i++)
            {
                var client = _order[i].Client;
                previous[i] = last.TryGetValue(client, out var p) ? p : -1;
                last[client] = i;
            }
        }

        lock (_runs)
        {
            return _previousOfClient ??= previous;
        }
    }

    /// <summary>Replays the trace under <paramref name="policy"/>; decisions for handlers the trace lacks are ignored.</summary>
    /// <param name="measureFrom">Requests before this position in the trace only warm the caches; the latencies are those of the rest.</param>
    public AheadResult Run(PolicyDocument policy, int measureFrom = 0)
    {
        // A replay is deterministic: the same policy (all of it is in its JSON) gives the same result.
        var key = (PolicyJson.Serialize(policy), measureFrom);
        lock (_runs)
        {
            if (_runs.TryGetValue(key, out var known))
            {
                return known;
            }
        }

        var result = Replay(policy, measureFrom);
        lock (_runs)
        {
            if (_runs.Count == RunsKept)
            {
                _runs.Clear();
            }

            _runs[key] = result;
        }

        return result;
    }

    /// <summary>
    /// <see cref="Run"/>'s statistics without its latencies and without keeping the result: for replays asked once whose
    /// latencies nobody reads (a result kept with them holds 8 bytes per measured request).
    /// </summary>
    public AheadResult Score(PolicyDocument policy, int measureFrom = 0)
    {
        lock (_runs)
        {
            if (_runs.TryGetValue((PolicyJson.Serialize(policy), measureFrom), out var known))
            {
                return known with { Latencies = null };
            }
        }

        return Replay(policy, measureFrom) with { Latencies = null };
    }

    /// <summary>
    /// One replay of <paramref name="policy"/> scored on <paramref name="objective"/> over two windows of the requests,
    /// [<paramref name="from"/>, <paramref name="split"/>) and [<paramref name="split"/>, end): the requests before
    /// <paramref name="from"/> only warm the caches. Kept nowhere.
    /// </summary>
    public (double Before, double After) ScoreWindows(PolicyDocument policy, int from, int split, Objective objective)
    {
        (double, double) scores = default;
        Replay(policy, from, (all, n) =>
        {
            var before = Math.Clamp(split - from, 0, n);
            var after = all[before..n];
            scores = (Window(all, before, objective), Window(after, after.Length, objective));
        });
        return scores;
    }

    /// <summary>The objective over values[0..n]; values may be reordered.</summary>
    private static double Window(double[] values, int n, Objective objective)
    {
        var (mean, p50, p95, p99) = Summary(values, n);
        return Objectives.Pick(objective, mean, p50, p95, p99);
    }

    /// <summary>
    /// Mean and percentiles of values[0..n] (zeros when n is 0), the mean summed in order as <see cref="Enumerable.Average(IEnumerable{double})"/>
    /// sums an array; values may be reordered.
    /// </summary>
    private static (double Mean, double P50, double P95, double P99) Summary(double[] values, int n)
    {
        if (n == 0)
        {
            return (0, 0, 0, 0);
        }

        var sum = 0.0;
        for (var i = 0; i < n; i++)
        {
            sum += values[i];
        }

        var (p50, p95, p99) = Percentiles.Of(values, n);
        return (sum / n, p50, p95, p99);
    }

    /// <param name="inOrder">Given the measured latencies in request order (the first n of the array), before the percentiles reorder them.</param>
    private AheadResult Replay(PolicyDocument policy, int measureFrom, Action<double[], int>? inOrder = null)
    {
        var plans = _parts.Select(p => PartPlan.Build(Module, p, policy)).ToArray();
        for (var a = 0; a < _parts.Count; a++)
        {
            var d = SpeculationRule.Launched(policy, _parts[a].Graph.Name);
            var targets = plans.SelectMany((pl, j) => pl.Specs.Select((s, k) => (j, k, s))).Where(x => x.s.Index == d).ToList();
            plans[a].LaunchTarget = targets.Count == 0 ? null : (targets[0].j, targets[0].k);
        }

        // Only the measured requests' latencies are kept.
        var requests = Requests;
        measureFrom = Math.Min(measureFrom, requests);
        var count = requests - measureFrom;
        var keep = KeepLatencies;
        var measured = keep ? new double[count] : _buffers.TryTake(out var free) && free.Length >= count ? free : new double[requests];
        var byHandler = new double[_parts.Count];
        var countByHandler = new int[_parts.Count];
        var lastByTable = new Dictionary<string, int>(StringComparer.Ordinal);
        var lastByPartition = new Dictionary<(string, ulong), int>();
        var unknownPartitionWrite = new Dictionary<string, int>(StringComparer.Ordinal);
        var pending = new Dictionary<long, Pending>();
        long started = 0, used = 0, wasted = 0, peak = 0;
        double usedWork = 0, wastedWork = 0;
        // Caches alone (no part, no speculation): no handler's requests change another's, so each request's latency is the
        // one its handler's simulator replays by blocks (the same program, hit bits and costs; with no cache, computed once
        // per trace), summed below in trace order as the request-by-request replay sums it.
        var alone = policy.Precompute.IsDefaultOrEmpty && policy.Speculate.IsDefaultOrEmpty && !PlainReplay ? CacheLatencies(plans, measured) : null;
        for (var i = 0; i < requests; i++)
        {
            var (pi, r, client) = _order[i];
            if (alone?[pi].ByRow is { } known)
            {
                var latencyAlone = known[r];
                if (i >= measureFrom)
                {
                    measured[i - measureFrom] = latencyAlone;
                }

                byHandler[pi] += latencyAlone;
                countByHandler[pi]++;
                continue;
            }

            var part = _parts[pi];
            var plan = plans[pi];
            var arrival = part.Flat.Arrivals[r];
            foreach (var pl in plans)
            {
                pl.RefreshDue(arrival);
            }

            var shape = part.Flat.Shapes[part.Flat.ShapeOf[r]];
            var hits = plan.CacheHits(r, arrival, out var bypass);
            var program = plan.ProgramFor(bypass);
            if (pending.Count > 0 && pending.Remove(client, out var p))
            {
                var spec = plans[p.PartB].Specs[p.Spec];
                var (partA, rowA, _, _) = At(p.Launch);
                if (SpeculationRule.Serves(_parts[p.PartB].Graph.Name, p.ReadyAt, part.Graph.Name, arrival,
                        () => Unwritten(part, r, spec, lastByTable, lastByPartition, unknownPartitionWrite, p.Launch))
                    && spec.Block.Nodes.Any(v => shape.Ran[v]) && spec.Matches(part.Flat, r, _parts[partA], rowA))
                {
                    program = plan.ProgramFor(bypass, spec);
                    hits |= 1UL << plan.SpecBit;
                    used++;
                    usedWork += spec.WorkMs;
                }
                else
                {
                    wasted++;
                    wastedWork += spec.WorkMs;
                }
            }

            var latency = program.Run(part.Flat, r, hits, plan.Ready, Cost.LookupMs, Cost.InsertMs);
            if (i >= measureFrom)
            {
                measured[i - measureFrom] = latency;
            }

            byHandler[pi] += latency;
            countByHandler[pi]++;
            foreach (var (v, table, pk) in plan.Writers)
            {
                if (shape.Ran[v])
                {
                    lastByTable[table] = i;
                    if (pk is { } k && part.InputHash(r, v, k) is { } h)
                    {
                        lastByPartition[(table, h)] = i;
                    }
                    else
                    {
                        // A key that is not an input as is: any partition may have changed.
                        unknownPartitionWrite[table] = i;
                    }
                }
            }

            if (plan.LaunchTarget is var (partB, s) && part.ResultHash(r) is not null)
            {
                var spec = plans[partB].Specs[s];
                started++;
                pending[client] = new Pending(partB, s, arrival + latency + spec.DurationMs, i);
                peak = Math.Max(peak, pending.Count);
            }
        }

        foreach (var p in pending.Values)
        {
            wasted++;
            wastedWork += plans[p.PartB].Specs[p.Spec].WorkMs;
        }

        var refreshes = plans.Sum(pl => pl.HotRefreshes);
        var refreshWork = plans.Sum(pl => pl.HotRefreshWorkMs);

        foreach (var pre in policy.Precompute.Where(p => !p.KeyedByRequest && PartOf(p.Handler) is not null))
        {
            // The runtime refreshes at the first request of every refresh period that has one.
            var n = pre.RefreshSeconds > 0 ? Enumerable.Range(0, requests).Select(i => Math.Floor(At(i).Arrival / (pre.RefreshSeconds * 1000))).Distinct().LongCount() : 1;
            refreshes += n;
            refreshWork += n * pre.ComputeCostMs;
        }

        foreach (var (byRow, rented) in alone ?? [])
        {
            if (rented)
            {
                _buffers.Add(byRow!);
            }
        }

        inOrder?.Invoke(measured, count);
        var (mean, p50, p95, p99) = Summary(measured, count);
        if (!keep)
        {
            _buffers.Add(measured);
        }

        return new AheadResult(count, mean, p50, p95, p99,
            started, used, wasted, usedWork, wastedWork, peak, refreshes, refreshWork,
            _parts.Select((p, j) => (p.Graph.Name, countByHandler[j] == 0 ? 0 : byHandler[j] / countByHandler[j])).ToDictionary(x => x.Name, x => x.Item2),
            keep ? measured : null);
    }

    /// <summary>
    /// Per part, its requests' latencies by row under its plan's caches alone, and whether the array was taken from the
    /// buffers (to give back); null where its simulator prices work otherwise or cannot run them: those requests go through the plan.
    /// When the only part's rows are the requests in order, they go into <paramref name="measured"/> if it holds them all: the
    /// replay reads request i's before it writes position i - measureFrom of the measured ones, so no second array is needed.
    /// </summary>
    private (double[]? ByRow, bool Rented)[] CacheLatencies(PartPlan[] plans, double[] measured)
    {
        var result = new (double[]?, bool)[_parts.Count];
        for (var p = 0; p < _parts.Count; p++)
        {
            var simulator = _parts[p].Simulator;
            var caches = plans[p].Caches;
            if (simulator.Cost != Cost || (caches.Count > 0 && !simulator.CanRun(caches)))
            {
                continue;
            }

            if (caches.Count == 0)
            {
                result[p] = (simulator.BaseLatencies(), false);
                continue;
            }

            var rows = _parts[p].Flat.Requests;
            if (_parts.Count == 1 && _order.InRowOrder && measured.Length >= rows)
            {
                simulator.RowLatencies(caches, measured);
                result[p] = (measured, false);
                continue;
            }

            var byRow = _buffers.TryTake(out var free) && free.Length >= rows ? free : new double[Requests];
            simulator.RowLatencies(caches, byRow);
            result[p] = (byRow, true);
        }

        return result;
    }

    /// <summary>
    /// True when no request after the launch wrote what the part's reads read. The reads of a right guess see the
    /// values B recorded, so their partition keys are B's; a write whose key was not an input counts for the whole table.
    /// </summary>
    private static bool Unwritten(
        Part b, int r, SpecPlan spec, Dictionary<string, int> byTable, Dictionary<(string, ulong), int> byPartition, Dictionary<string, int> unknown, int launch)
    {
        foreach (var (v, table, pk) in spec.Reads)
        {
            var last = pk is { } k && b.InputHash(r, v, k) is { } h
                ? Math.Max(byPartition.GetValueOrDefault((table, h), -1), unknown.GetValueOrDefault(table, -1))
                : byTable.GetValueOrDefault(table, -1);
            if (last > launch)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Per request, the key of a block (<see cref="CacheKey.Combine"/> of its entering values, as the runtime computes it), or
    /// null when the request did not demand the block or an entering value is missing. One per thread.
    /// </summary>
    internal sealed class PartKeys(Part part, Candidate block)
    {
        private readonly bool[] _demanded = [.. part.Flat.Shapes.Select(s => block.Nodes.Any(v => s.Ran[v]))];
        private readonly ulong[] _hashes = new ulong[block.EnteringEdges.Length];

        public ulong? At(int r)
        {
            var flat = part.Flat;
            if (!_demanded[flat.ShapeOf[r]])
            {
                return null;
            }

            var at = r * part.Facts.Edges.Count;
            for (var k = 0; k < _hashes.Length; k++)
            {
                var e = at + block.EnteringEdges[k];
                if (flat.EdgeBytes[e] < 0)
                {
                    return null;
                }

                _hashes[k] = flat.EdgeHash[e];
            }

            return CacheKey.Combine(_hashes);
        }
    }

    // A value, and what it predicts is read from its launching request when its client comes back: a trace of one-off
    // clients holds one per request at the end, so an object and an array each would be ~100 bytes per request.
    private readonly record struct Pending(int PartB, int Spec, double ReadyAt, int Launch);

    internal sealed record Part(Graph Graph, GraphFacts Facts, FlatTrace Flat, Simulator Simulator)
    {
        /// <summary>The hash of request field <paramref name="field"/> in row <paramref name="r"/>, or null when no edge carried it.</summary>
        public ulong? FieldHash(int r, string field)
        {
            var edges = Facts.Edges.Count;
            for (var e = 0; e < edges; e++)
            {
                var edge = Facts.Edges[e];
                if (edge.From == Graph.SourceId && edge.Field == field && Flat.EdgeBytes[(r * edges) + e] >= 0)
                {
                    return Flat.EdgeHash[(r * edges) + e];
                }
            }

            return null;
        }

        /// <summary>The hash of the value on input <paramref name="input"/> of node <paramref name="node"/> in row <paramref name="r"/>, or null when none crossed it.</summary>
        public ulong? InputHash(int r, int node, int input)
        {
            var at = (r * Facts.Edges.Count) + Facts.EdgeIndex[node][input];
            return Flat.EdgeBytes[at] >= 0 ? Flat.EdgeHash[at] : null;
        }

        /// <summary>The hash of the response in row <paramref name="r"/>, or null when the request failed.</summary>
        public ulong? ResultHash(int r)
        {
            var e = Facts.EdgeIndex[Graph.SinkId][0];
            var at = (r * Facts.Edges.Count) + e;
            return Flat.EdgeBytes[at] >= 0 ? Flat.EdgeHash[at] : null;
        }

        /// <summary>
        /// The hash of the response's field <paramref name="field"/> in row <paramref name="r"/> (what a speculation bound
        /// to it guesses), or null when the trace cannot tell. The trace keeps the response's hash only, so the field is
        /// followed back through the graph: a record built in a node is read at its field, a literal hashed, an input
        /// read from its edge, and an if takes the branch whose inputs carried values in this request.
        /// </summary>
        public ulong? ResultFieldHash(int r, string field) => FieldHash(r, Graph.SinkId, new InputExpr(0), field, 0);

        private ulong? FieldHash(int r, int node, Expr e, string field, int depth)
        {
            switch (e)
            {
                case RecordExpr record:
                    var f = record.Fields.FirstOrDefault(x => x.Name == field);
                    return f is null ? NullHash : f.Value switch
                    {
                        LitExpr lit => lit.Value.StableHash,
                        InputExpr i => InputHash(r, node, i.Index),
                        _ => null,
                    };
                case IfExpr branch:
                    var then = FieldHash(r, node, branch.Then, field, depth);
                    var otherwise = FieldHash(r, node, branch.Else, field, depth);
                    return then == otherwise ? then : Taken(r, node, branch) switch { true => then, false => otherwise, null => null };
                case InputExpr input when depth < 32:
                    var from = Graph.Nodes[node].Inputs[input.Index];
                    return from.From == Graph.SourceId || from.Field is not null || Graph.Nodes[from.From].Expr is not { } expr
                        ? null
                        : FieldHash(r, from.From, expr, field, depth + 1);
                default:
                    return null;
            }
        }

        /// <summary>Which branch of an if ran in row <paramref name="r"/>: the one whose always-read inputs carried values while the other's did not.</summary>
        private bool? Taken(int r, int node, IfExpr branch)
        {
            var then = Strictness.Of(branch.Then);
            var otherwise = Strictness.Of(branch.Else);
            bool Present(IEnumerable<int> inputs) => inputs.Any() && inputs.All(i => InputHash(r, node, i) is not null);
            var onlyThen = then.Except(otherwise).ToList();
            var onlyElse = otherwise.Except(then).ToList();
            return Present(onlyThen) && !Present(onlyElse) ? true : Present(onlyElse) && !Present(onlyThen) ? false : null;
        }

        /// <summary>The key of <paramref name="block"/> per request, computed when asked: an array of them would take 16 bytes per request.</summary>
        public PartKeys KeysOf(Candidate block) => new(this, block);

        // Planning asks for the means once per candidate part and per replay; they depend on the flat rows alone.
        // A class, so that a thread reads the pair whole; a copy by `with` (a prefix) holds another trace's means and recomputes.
        private Tuple<FlatTrace, double[]>? _meanSelf;

        /// <summary>Mean self latency of each node over the requests where it ran (computed once per flat trace; read-only).</summary>
        public double[] MeanSelf()
        {
            if (_meanSelf is { } known && ReferenceEquals(known.Item1, Flat))
            {
                return known.Item2;
            }

            var means = ComputeMeanSelf();
            _meanSelf = Tuple.Create(Flat, means);
            return means;
        }

        private double[] ComputeMeanSelf()
        {
            var n = Facts.NodeCount;
            var sum = new double[n];
            var count = new int[n];
            for (var r = 0; r < Flat.Requests; r++)
            {
                var shape = Flat.Shapes[Flat.ShapeOf[r]];
                for (var v = 0; v < n; v++)
                {
                    if (shape.Ran[v])
                    {
                        sum[v] += Flat.Self[(r * n) + v];
                        count[v]++;
                    }
                }
            }

            return [.. sum.Select((s, v) => count[v] == 0 ? 0 : s / count[v])];
        }
    }

    /// <summary>A subgraph as a replay block; unlike a cache candidate it may hold table reads and request-independent feeds.</summary>
    internal static Candidate Block(GraphFacts facts, IEnumerable<int> nodes)
    {
        var members = nodes.Distinct().Order().ToArray();
        var inside = members.ToHashSet();
        var entering = members.SelectMany(v => Enumerable.Range(0, facts.Graph.Nodes[v].Inputs.Length)
            .Where(i => !inside.Contains(facts.Graph.Nodes[v].Inputs[i].From)).Select(i => facts.EdgeIndex[v][i])).ToArray();
        var outputs = members.Where(v => facts.Consumers[v].Any(c => !inside.Contains(c))).ToArray();
        return new Candidate(-1, members, entering, outputs, facts.Graph.Name);
    }

    internal static ulong NullHash { get; } = Value.Null.StableHash;
}

/// <summary>What a replay of the whole trace predicts: latencies over all requests, and the work done ahead of them; <c>Latencies</c> holds each measured request's, in no particular order.</summary>
public sealed record AheadResult(
    int Requests, double MeanMs, double P50Ms, double P95Ms, double P99Ms,
    long Speculations, long SpeculationsUsed, long SpeculationsWasted, double UsedWorkMs, double WastedWorkMs, long PeakPending,
    long Refreshes, double RefreshWorkMs, IReadOnlyDictionary<string, double> MeanByHandler, IReadOnlyList<double>? Latencies = null)
{
    /// <summary>The value a search minimises for <paramref name="objective"/>, as <see cref="SimulationResult.Score"/>.</summary>
    public double Score(Objective objective) => Objectives.Pick(objective, MeanMs, P50Ms, P95Ms, P99Ms);
}
