using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Fluxo.Optimizer.Replay;

/// <summary>
/// <see cref="ReplayProgram.Run"/> for a block of consecutive requests at once: the block's requests of one shape go
/// through each instruction together, so the program is decoded once per block and shape rather than once per request,
/// and each instruction is a tight loop over the requests. Each request still gets the very floating-point operations
/// of the one-request interpreter in the same order (a maximum starting from the same value, then the same sums), so
/// the same bits; only programs that read no ready time before writing it in the same request qualify
/// (<see cref="ReplayProgram.Blockable"/>), since the interpreter's stale values are not kept here.
/// </summary>
/// <remarks>
/// Its loops are called per block and per instruction in short calls, which on-stack replacement never lifts: they are compiled
/// optimized at once, since tiering kept them unoptimized for much of `fluxo optimize`'s run.
/// </remarks>
internal sealed class BlockReplay
{
    /// <summary>Requests per block: a few tens of KB of ready times for small graphs, so they stay in the core's cache.</summary>
    public const int Rows = 512;

    // Scratch is pooled rather than per thread, as the latency buffers are: it is per replay running, not per thread that ran one.
    private static readonly ConcurrentBag<BlockReplay> Pool = [];

    private readonly double[] _begin = new double[Rows];
    private readonly double[] _done = new double[Rows];
    private readonly int[] _misses = new int[Rows];

    // Per request of a group, all ones when it hit the cache being run, else zero: a lane mask for the vector selects.
    private readonly long[] _hitLanes = new long[Rows];
    private readonly int[] _order = new int[Rows];
    private readonly int[] _rowBase = new int[Rows];
    private readonly List<int> _touched = [];

    // Node v's ready time for the i-th request of the group being run at [v * Rows + i].
    private double[] _ready = [];

    // Per shape, how many of the block's requests have it, then where its group ends in _order; zero between blocks.
    private int[] _count = [];

    /// <summary>Per request of the block, bit j set when cache j hit; the caller fills it before <see cref="Run"/>.</summary>
    public ulong[] Hits { get; } = new ulong[Rows];

    public static BlockReplay Rent(int nodes, int shapes)
    {
        var scratch = Pool.TryTake(out var free) ? free : new BlockReplay();
        if (scratch._ready.Length < nodes * Rows)
        {
            scratch._ready = new double[nodes * Rows];
        }

        if (scratch._count.Length < shapes)
        {
            scratch._count = new int[shapes];
        }

        return scratch;
    }

    public void Return() => Pool.Add(this);

    private bool[] _everyShape = [];

    // Every shape taken as one that looks a cache up.
    private bool[] EveryShape(int shapes)
    {
        if (_everyShape.Length != shapes)
        {
            _everyShape = new bool[shapes];
            Array.Fill(_everyShape, true);
        }

        return _everyShape;
    }

    /// <summary>
    /// Latencies of requests first..first+count-1 (count at most <see cref="Rows"/>) into <paramref name="latencies"/> at their
    /// own index: a request whose shape looks no cache up takes its no-cache latency from <paramref name="none"/>, or when
    /// that is null (the program <see cref="ReplayProgram.BlockableEverywhere"/>) runs through its code like the others.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Run(ReplayProgram program, FlatTrace trace, int first, int count, double[]? none, double[] latencies, double lookupMs, double insertMs)
    {
        var shapeOf = trace.ShapeOf;
        var caches = none is null ? EveryShape(program.Caches.Length) : program.Caches;
        for (var i = 0; i < count; i++)
        {
            var s = shapeOf[first + i];
            if (!caches[s])
            {
                latencies[first + i] = none![first + i];
            }
            else if (_count[s]++ == 0)
            {
                _touched.Add(s);
            }
        }

        var at = 0;
        foreach (var s in _touched)
        {
            var c = _count[s];
            _count[s] = at;
            at += c;
        }

        for (var i = 0; i < count; i++)
        {
            var s = shapeOf[first + i];
            if (caches[s])
            {
                _order[_count[s]++] = i;
            }
        }

        var start = 0;
        foreach (var s in _touched)
        {
            var end = _count[s];
            _count[s] = 0;
            RunGroup(program.Code[s], program.Sink, _order.AsSpan(start, end - start), first, trace, latencies, lookupMs, insertMs);
            start = end;
        }

        _touched.Clear();
    }

    /// <summary>One shape's requests (block rows <paramref name="rows"/>) through its code, instruction by instruction.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RunGroup(int[] code, int sink, ReadOnlySpan<int> rows, int first, FlatTrace trace, double[] latencies, double lookupMs, double insertMs)
    {
        var m = rows.Length;
        var self = trace.Self;
        var n = trace.Facts.NodeCount;
        var ready = _ready;
        var rowBase = _rowBase.AsSpan(0, m);
        for (var i = 0; i < m; i++)
        {
            rowBase[i] = (first + rows[i]) * n;
        }

        var pc = 0;
        while (pc < code.Length)
        {
            if (code[pc++] == ReplayProgram.OpNode)
            {
                var v = code[pc++];
                var k = code[pc++];
                Node(code.AsSpan(pc, k), ready.AsSpan(v * Rows, m), rowBase, v, self);
                pc += k;
                continue;
            }

            var bit = 1UL << code[pc++];
            var sources = code[pc++];
            var begin = _begin.AsSpan(0, m);
            Node(code.AsSpan(pc, sources), begin, lookupMs);
            pc += sources;

            // Only the requests that missed run the cache's nodes; a hit serves them all at the lookup's end.
            var misses = 0;
            var hits = Hits;
            var hitLanes = _hitLanes.AsSpan(0, m);
            for (var i = 0; i < m; i++)
            {
                _misses[misses] = i;
                var missed = (hits[rows[i]] & bit) == 0;
                misses += missed ? 1 : 0;
                hitLanes[i] = missed ? 0 : -1;
            }

            var done = _done.AsSpan(0, m);
            begin.CopyTo(done);
            var inner = code[pc++];
            if (Vector256.IsHardwareAccelerated && misses * 4 >= m)
            {
                pc = RunMembers(code, pc, inner, m, rowBase, self, hitLanes, insertMs);
                continue;
            }

            for (var q = 0; q < inner; q++)
            {
                var exit = code[pc++] != 0;
                var v = code[pc++];
                var k = code[pc++];
                for (var t = 0; t < misses; t++)
                {
                    var i = _misses[t];
                    var start = begin[i];
                    for (var p = 0; p < k; p++)
                    {
                        start = Math.Max(start, ready[(code[pc + p] * Rows) + i]);
                    }

                    var value = start + self[rowBase[i] + v];
                    ready[(v * Rows) + i] = value;
                    if (exit)
                    {
                        done[i] = Math.Max(done[i], value);
                    }
                }

                pc += k;
            }

            for (var t = 0; t < misses; t++)
            {
                done[_misses[t]] += insertMs;
            }

            var members = code[pc++];
            for (var end = pc + members; pc < end; pc++)
            {
                done.CopyTo(ready.AsSpan(code[pc] * Rows, m));
            }
        }

        var finish = ready.AsSpan(sink * Rows, m);
        for (var i = 0; i < m; i++)
        {
            latencies[first + rows[i]] = finish[i];
        }
    }

    /// <summary>
    /// A cache's members for every request of the group, missed or not, several requests at a time, when most missed: the
    /// members' ready times of a request that hit are computed in vain, then overwritten with the lookup's end like every
    /// member's, and its end (<see cref="_done"/>) keeps the lookup's. A request that missed gets the one-request
    /// interpreter's operations in its order. Returns the pc after the members' code.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int RunMembers(int[] code, int pc, int inner, int m, ReadOnlySpan<int> rowBase, double[] self, ReadOnlySpan<long> hitLanes, double insertMs)
    {
        var begin = _begin.AsSpan(0, m);
        var done = _done.AsSpan(0, m);
        ref var d = ref MemoryMarshal.GetReference(done);
        ref var h = ref MemoryMarshal.GetReference(hitLanes);
        for (var q = 0; q < inner; q++)
        {
            var exit = code[pc++] != 0;
            var v = code[pc++];
            var k = code[pc++];
            var value = _ready.AsSpan(v * Rows, m);
            begin.CopyTo(value);
            for (var p = 0; p < k; p++)
            {
                Max(value, _ready.AsSpan(code[pc + p] * Rows, m), zero: false);
            }

            pc += k;
            for (var i = 0; i < m; i++)
            {
                value[i] += self[rowBase[i] + v];
            }

            if (!exit)
            {
                continue;
            }

            ref var x = ref MemoryMarshal.GetReference(value);
            var j = 0;
            for (; j <= m - Vector256<double>.Count; j += Vector256<double>.Count)
            {
                var was = Vector256.LoadUnsafe(ref d, (nuint)j);
                var max = Vector256.Max(was, Vector256.LoadUnsafe(ref x, (nuint)j));
                Vector256.ConditionalSelect(Vector256.LoadUnsafe(ref h, (nuint)j).AsDouble(), was, max).StoreUnsafe(ref d, (nuint)j);
            }

            for (; j < m; j++)
            {
                done[j] = hitLanes[j] != 0 ? done[j] : Math.Max(done[j], value[j]);
            }
        }

        var insert = Vector256.Create(insertMs);
        var i2 = 0;
        for (; i2 <= m - Vector256<double>.Count; i2 += Vector256<double>.Count)
        {
            var was = Vector256.LoadUnsafe(ref d, (nuint)i2);
            Vector256.ConditionalSelect(Vector256.LoadUnsafe(ref h, (nuint)i2).AsDouble(), was, was + insert).StoreUnsafe(ref d, (nuint)i2);
        }

        for (; i2 < m; i2++)
        {
            done[i2] = hitLanes[i2] != 0 ? done[i2] : done[i2] + insertMs;
        }

        var members = code[pc++];
        for (var end = pc + members; pc < end; pc++)
        {
            done.CopyTo(_ready.AsSpan(code[pc] * Rows, m));
        }

        return pc;
    }

    /// <summary>Per request, the latest of <paramref name="preds"/>' ready times and 0, plus the node's self latency.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Node(ReadOnlySpan<int> preds, Span<double> dst, ReadOnlySpan<int> rowBase, int v, double[] self)
    {
        Latest(preds, dst);
        for (var i = 0; i < dst.Length; i++)
        {
            dst[i] += self[rowBase[i] + v];
        }
    }

    /// <summary>Per request, the latest of <paramref name="preds"/>' ready times and 0, plus <paramref name="cost"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Node(ReadOnlySpan<int> preds, Span<double> dst, double cost)
    {
        Latest(preds, dst);
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref var d = ref MemoryMarshal.GetReference(dst);
            var add = Vector256.Create(cost);
            for (; i <= dst.Length - Vector256<double>.Count; i += Vector256<double>.Count)
            {
                (Vector256.LoadUnsafe(ref d, (nuint)i) + add).StoreUnsafe(ref d, (nuint)i);
            }
        }

        for (; i < dst.Length; i++)
        {
            dst[i] += cost;
        }
    }

    // The interpreter's running maximum: from 0 over the predecessors in code order.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Latest(ReadOnlySpan<int> preds, Span<double> dst)
    {
        var m = dst.Length;
        if (preds.Length == 0)
        {
            dst.Clear();
            return;
        }

        Max(dst, _ready.AsSpan(preds[0] * Rows, m), zero: true);
        for (var p = 1; p < preds.Length; p++)
        {
            Max(dst, _ready.AsSpan(preds[p] * Rows, m), zero: false);
        }
    }

    /// <summary>
    /// dst[i] = Math.Max(dst[i], from[i]), or Math.Max(0, from[i]) with <paramref name="zero"/>, several at a time: the vector
    /// maximum is Math.Max's (IEEE 754:2019 maximum, NaN and signed zeros alike), so the bits are the same.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Max(Span<double> dst, ReadOnlySpan<double> from, bool zero)
    {
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref var d = ref MemoryMarshal.GetReference(dst);
            ref var f = ref MemoryMarshal.GetReference(from);
            for (; i <= dst.Length - Vector256<double>.Count; i += Vector256<double>.Count)
            {
                var left = zero ? Vector256<double>.Zero : Vector256.LoadUnsafe(ref d, (nuint)i);
                Vector256.Max(left, Vector256.LoadUnsafe(ref f, (nuint)i)).StoreUnsafe(ref d, (nuint)i);
            }
        }

        for (; i < dst.Length; i++)
        {
            dst[i] = Math.Max(zero ? 0.0 : dst[i], from[i]);
        }
    }
}
