using System.Runtime.CompilerServices;
using Fluxo.Optimizer.Candidates;

namespace Fluxo.Optimizer.Replay;

/// <summary>
/// A policy compiled, per request shape, into a flat instruction stream that computes every node's
/// ready time in virtual time. Caches become blocks: their start waits for every entering value, and
/// on a hit the block's nodes are served, on a miss its values leave when the last exit is done plus
/// the insert; blocks and nodes are ordered topologically in the graph with
/// each cache contracted to one node, which exists exactly when the caches are disjoint and do not
/// feed each other in a cycle.
/// </summary>
internal sealed class ReplayProgram
{
    public const int OpNode = 0;
    public const int OpCache = 1;

    private ReplayProgram(int[][] code, int sink)
    {
        Code = code;
        Sink = sink;
        Caches = [.. code.Select(HasCache)];
        Blockable = code.Where((c, s) => Caches[s]).All(c => WritesBeforeReading(c, sink));
    }

    /// <summary>Code[shape]: NODE v k p1..pk | CACHE j s src1..srcs ni (isExit v k p1..pk)*ni m mem1..memm.</summary>
    public int[][] Code { get; }

    public int Sink { get; }

    /// <summary>
    /// Caches[shape]: whether a request of that shape looks a cache up. One that does not runs exactly as with no cache:
    /// each node's ready time is the same maximum plus the same cost, whatever the topological order.
    /// </summary>
    public bool[] Caches { get; }

    /// <summary>
    /// True when every shape that looks a cache up reads only ready times its own request wrote and writes the Sink's, so
    /// <see cref="BlockReplay"/> gives the same latencies as <see cref="Run"/> (which would read a value another request left).
    /// </summary>
    public bool Blockable { get; }

    private bool? _blockableWithoutCaches;

    /// <summary>
    /// <see cref="Blockable"/> for every shape, those that look no cache up included: then <see cref="BlockReplay"/> can run
    /// all the requests, as the no-cache latencies need.
    /// </summary>
    public bool BlockableEverywhere => _blockableWithoutCaches ??= Code.All(c => WritesBeforeReading(c, Sink));

    private static bool WritesBeforeReading(int[] code, int sink)
    {
        var written = new HashSet<int>();
        bool Reads(int from, int count) => Enumerable.Range(from, count).All(i => written.Contains(code[i]));
        for (var pc = 0; pc < code.Length;)
        {
            if (code[pc] == OpNode)
            {
                // NODE v k p1..pk
                if (!Reads(pc + 3, code[pc + 2]))
                {
                    return false;
                }

                written.Add(code[pc + 1]);
                pc += 3 + code[pc + 2];
                continue;
            }

            // CACHE j s src1..srcs ni (isExit v k p1..pk)*ni m mem1..memm
            var sources = code[pc + 2];
            if (!Reads(pc + 3, sources))
            {
                return false;
            }

            pc += 3 + sources;
            var inner = code[pc++];
            for (var i = 0; i < inner; i++)
            {
                if (!Reads(pc + 3, code[pc + 2]))
                {
                    return false;
                }

                written.Add(code[pc + 1]);
                pc += 3 + code[pc + 2];
            }

            written.UnionWith(code.Skip(pc + 1).Take(code[pc]));
            pc += 1 + code[pc];
        }

        return written.Contains(sink);
    }

    private static bool HasCache(int[] code)
    {
        for (var pc = 0; pc < code.Length;)
        {
            if (code[pc] == OpCache)
            {
                return true;
            }

            // NODE v k p1..pk
            pc += 3 + code[pc + 2];
        }

        return false;
    }

    /// <summary>The order of units (a node id, or -1-j for cache j), or null when the caches cannot coexist.</summary>
    public static List<int>? UnitOrder(GraphFacts facts, IReadOnlyList<Candidate> caches)
    {
        var n = facts.NodeCount;
        var unitOf = new int[n];
        Array.Fill(unitOf, int.MinValue);
        for (var j = 0; j < caches.Count; j++)
        {
            foreach (var v in caches[j].Nodes)
            {
                if (unitOf[v] != int.MinValue)
                {
                    return null;
                }

                unitOf[v] = -1 - j;
            }
        }

        for (var v = 0; v < n; v++)
        {
            if (unitOf[v] == int.MinValue)
            {
                unitOf[v] = v;
            }
        }

        int Slot(int unit) => unit >= 0 ? unit : n + (-1 - unit);
        var total = n + caches.Count;
        var indegree = new int[total];
        var outs = new List<int>[total];
        for (var i = 0; i < total; i++)
        {
            outs[i] = [];
        }

        foreach (var e in facts.Edges)
        {
            var a = Slot(unitOf[e.From]);
            var b = Slot(unitOf[e.To]);
            if (a != b)
            {
                outs[a].Add(b);
                indegree[b]++;
            }
        }

        var order = new List<int>();
        var ready = new SortedSet<int>(Enumerable.Range(0, total).Where(i => indegree[i] == 0 && (i >= n || unitOf[i] == i)));
        while (ready.Count > 0)
        {
            var u = ready.Min;
            ready.Remove(u);
            order.Add(u < n ? u : -1 - (u - n));
            foreach (var w in outs[u])
            {
                if (--indegree[w] == 0)
                {
                    ready.Add(w);
                }
            }
        }

        var expected = n - caches.Sum(c => c.Nodes.Length) + caches.Count;
        return order.Count == expected ? order : null;
    }

    public static ReplayProgram? Compile(FlatTrace trace, IReadOnlyList<Candidate> caches)
    {
        var facts = trace.Facts;
        var order = UnitOrder(facts, caches);
        if (order is null)
        {
            return null;
        }

        var code = new int[trace.Shapes.Count][];
        for (var s = 0; s < code.Length; s++)
        {
            var shape = trace.Shapes[s];
            var ops = new List<int>();
            foreach (var unit in order)
            {
                if (unit >= 0)
                {
                    EmitNode(facts, shape, unit, ops);
                    continue;
                }

                var j = -1 - unit;
                var c = caches[j];
                var members = c.Nodes.Where(v => shape.Ran[v]).ToArray();
                if (members.Length == 0)
                {
                    continue;
                }

                ops.Add(OpCache);
                ops.Add(j);
                var sources = c.EnteringEdges.Where(e => shape.EdgePresent[e]).Select(e => facts.Edges[e].From).Distinct().ToArray();
                ops.Add(sources.Length);
                ops.AddRange(sources);
                ops.Add(members.Length);
                foreach (var v in members)
                {
                    ops.Add(c.OutputNodes.Contains(v) ? 1 : 0);
                    EmitPreds(facts, shape, v, ops);
                }

                ops.Add(members.Length);
                ops.AddRange(members);
            }

            code[s] = [.. ops];
        }

        return new ReplayProgram(code, facts.Graph.SinkId);
    }

    private static void EmitNode(GraphFacts facts, RequestShape shape, int v, List<int> ops)
    {
        if (!shape.Ran[v])
        {
            return;
        }

        ops.Add(OpNode);
        EmitPreds(facts, shape, v, ops);
    }

    private static void EmitPreds(GraphFacts facts, RequestShape shape, int v, List<int> ops)
    {
        var inputs = facts.Graph.Nodes[v].Inputs;
        var preds = Enumerable.Range(0, inputs.Length)
            .Where(i => shape.EdgePresent[facts.EdgeIndex[v][i]] && shape.Ran[inputs[i].From])
            .Select(i => inputs[i].From)
            .Distinct()
            .ToArray();
        ops.Add(v);
        ops.Add(preds.Length);
        ops.AddRange(preds);
    }

    /// <summary>Ready times of request r's nodes given which caches hit (bit j of <paramref name="hits"/>); returns the Sink's finish.</summary>
    // Called once per request in short calls, which on-stack replacement never lifts: compiled optimized at once, since tiering
    // kept it unoptimized for much of `fluxo optimize`'s run.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double Run(FlatTrace trace, int r, ulong hits, double[] ready, double lookupMs, double insertMs)
    {
        var code = Code[trace.ShapeOf[r]];
        var self = trace.Self;
        var baseNode = r * trace.Facts.NodeCount;
        var pc = 0;
        while (pc < code.Length)
        {
            if (code[pc++] == OpNode)
            {
                var v = code[pc++];
                var k = code[pc++];
                var start = 0.0;
                for (var end = pc + k; pc < end; pc++)
                {
                    start = Math.Max(start, ready[code[pc]]);
                }

                ready[v] = start + self[baseNode + v];
                continue;
            }

            var j = code[pc++];
            var sources = code[pc++];
            var t = 0.0;
            for (var end = pc + sources; pc < end; pc++)
            {
                t = Math.Max(t, ready[code[pc]]);
            }

            var begin = t + lookupMs;
            var inner = code[pc++];
            double done;
            if ((hits & (1UL << j)) != 0)
            {
                for (var i = 0; i < inner; i++)
                {
                    pc += 2;
                    pc += code[pc] + 1;
                }

                done = begin;
            }
            else
            {
                done = begin;
                for (var i = 0; i < inner; i++)
                {
                    var exit = code[pc++] != 0;
                    var v = code[pc++];
                    var k = code[pc++];
                    var start = begin;
                    for (var end = pc + k; pc < end; pc++)
                    {
                        start = Math.Max(start, ready[code[pc]]);
                    }

                    ready[v] = start + self[baseNode + v];
                    if (exit)
                    {
                        done = Math.Max(done, ready[v]);
                    }
                }

                done += insertMs;
            }

            var m = code[pc++];
            for (var end = pc + m; pc < end; pc++)
            {
                ready[code[pc]] = done;
            }
        }

        return ready[Sink];
    }
}
