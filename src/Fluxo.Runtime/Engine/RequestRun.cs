using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Fluxo.Builtins;
using Fluxo.Ir;
using Fluxo.Policy;
using Fluxo.Runtime.Externs;
using Fluxo.Runtime.Queues;
using Fluxo.Trace;
using Fluxo.Values;

namespace Fluxo.Runtime.Engine;

/// <summary>
/// One request through one compiled graph, demand-driven from the Sink: a node runs the first time a
/// consumer pulls it, and each node's value and ready time are kept so every consumer shares them.
/// Times are ms from the request's arrival: drawn and added under virtual time, measured under real time.
/// </summary>
internal sealed partial class RequestRun : IBuiltinContext
{
    private readonly ServiceEngine _engine;
    private readonly CompiledGraph _g;
    private readonly Value _request;
    private readonly CancellationToken _ct;
    private readonly bool _virtual;
    private readonly long _startTicks;
    private readonly Value?[] _values;
    private readonly bool[] _done;
    private readonly Task<Value>?[] _pending;
    private readonly double[] _start;
    private readonly double[] _ready;
    private readonly double[] _self;
    private readonly NodeStatus[] _status;
    private readonly double[] _floor;
    private readonly double[] _exitReady;
    private readonly bool[] _groupDone;
    private readonly Task?[] _groupPending;
    private readonly List<(double At, EdgeEvent Edge)>? _edges;
    private long _draws;

    public RequestRun(ServiceEngine engine, CompiledGraph g, Value request, RequestInfo info, bool trace, CancellationToken ct)
    {
        _engine = engine;
        _g = g;
        _request = request;
        Info = info;
        _ct = ct;
        _virtual = engine.Options.Clock == ClockMode.Virtual;
        _startTicks = Stopwatch.GetTimestamp();
        var n = g.Nodes.Length;
        _values = new Value?[n];
        _done = new bool[n];
        _pending = new Task<Value>?[n];
        _start = new double[n];
        _ready = new double[n];
        _self = new double[n];
        _status = new NodeStatus[n];
        _floor = new double[n];
        _exitReady = new double[n];
        _groupDone = new bool[g.Groups.Length];
        _groupPending = new Task?[g.Groups.Length];
        _edges = trace ? new List<(double, EdgeEvent)>(n + 4) : null;
    }

    public RequestInfo Info { get; }

    private double Elapsed => Stopwatch.GetElapsedTime(_startTicks).TotalMilliseconds;

    public ValueTask<Value> RunSinkAsync() => DemandDirect(_g.Graph.SinkId);

    public double SinkReady => _ready[_g.Graph.SinkId];

    /// <summary>The latest finish of any node that ran: a failed request's latency.</summary>
    public double LatestFinish()
    {
        lock (this)
        {
            var t = 0.0;
            for (var i = 0; i < _done.Length; i++)
            {
                if (_done[i])
                {
                    t = Math.Max(t, _ready[i]);
                }
            }

            return t;
        }
    }

    // ---- demand ----

    private ValueTask<Value> DemandNode(int id, int consumer)
    {
        var grp = _g.GroupOf[id];
        return grp >= 0 && (consumer < 0 || _g.GroupOf[consumer] != grp) ? DemandViaGroup(grp, id) : DemandDirect(id);
    }

    private ValueTask<Value> DemandDirect(int id)
    {
        lock (this)
        {
            if (_done[id])
            {
                return new ValueTask<Value>(_values[id]!);
            }

            if (_pending[id] is { } p)
            {
                return new ValueTask<Value>(p);
            }

            var vt = RunNodeAsync(id);
            if (vt.IsCompletedSuccessfully)
            {
                return vt;
            }

            var t = vt.AsTask();
            _pending[id] = t;
            return new ValueTask<Value>(t);
        }
    }

    /// <summary>When <paramref name="from"/>'s value reached <paramref name="consumer"/>: a cache exit read from outside is ready only when the cache says so.</summary>
    private double ReadyFor(int from, int consumer)
    {
        var grp = _g.GroupOf[from];
        return grp >= 0 && _g.GroupOf[consumer] != grp ? _exitReady[from] : _ready[from];
    }

    public ValueTask<Value> DemandInputAsync(Frame f, int i)
    {
        var vt = DemandNode(f.Node!.Node.Inputs[i].From, f.NodeId);
        if (vt.IsCompletedSuccessfully)
        {
            return new ValueTask<Value>(Accept(f, i, vt.Result));
        }

        return AwaitInput(f, i, vt);
    }

    private async ValueTask<Value> AwaitInput(Frame f, int i, ValueTask<Value> vt) => Accept(f, i, await vt.ConfigureAwait(false));

    private Value Accept(Frame f, int i, Value raw)
    {
        var input = f.Node!.Node.Inputs[i];
        var v = input.Field is null ? raw : raw.GetField(input.Field) ?? Value.Null;
        f.Inputs[i] = v;
        var edge = _edges is null ? default : new EdgeEvent(input.From, f.NodeId, v.StableHash, v.ByteSize);
        lock (this)
        {
            var at = ReadyFor(input.From, f.NodeId);
            f.MaxReady = Math.Max(f.MaxReady, at);
            _edges?.Add((at, edge));
        }

        return v;
    }

    private void RecordEdge(double at, int from, int to, Value v)
    {
        var e = new EdgeEvent(from, to, v.StableHash, v.ByteSize);
        lock (this)
        {
            _edges!.Add((at, e));
        }
    }

    private ValueTask DemandAll(Frame f, int[] inputs)
    {
        List<(int, Task<Value>)>? waiting = null;
        foreach (var i in inputs)
        {
            if (f.Inputs[i] is not null)
            {
                continue;
            }

            var vt = DemandNode(f.Node!.Node.Inputs[i].From, f.NodeId);
            if (vt.IsCompletedSuccessfully)
            {
                Accept(f, i, vt.Result);
            }
            else
            {
                (waiting ??= []).Add((i, vt.AsTask()));
            }
        }

        return waiting is null ? default : AwaitAll(f, waiting);
    }

    private async ValueTask AwaitAll(Frame f, List<(int Input, Task<Value> Task)> waiting)
    {
        foreach (var (input, task) in waiting)
        {
            Accept(f, input, await task.ConfigureAwait(false));
        }
    }

    // ---- running one node ----

    private async ValueTask<Value> RunNodeAsync(int id)
    {
        var cn = _g.Nodes[id];
        if (id == _g.Graph.SourceId)
        {
            Finish(id, _request, 0, 0, NodeStatus.Ran);
            return _request;
        }

        var frame = new Frame(this, cn, id, new Value?[cn.Node.Inputs.Length], cn.Slots == 0 ? [] : new Value[cn.Slots]);
        if (cn.Guard is not null)
        {
            await DemandAll(frame, cn.GuardStrict).ConfigureAwait(false);
            if (!Operators.IsTrue(await cn.Guard.Eval(frame).ConfigureAwait(false)))
            {
                var at = Math.Max(frame.MaxReady, _floor[id]);
                Finish(id, Value.Null, at, 0, NodeStatus.Skipped);
                return Value.Null;
            }
        }

        await DemandAll(frame, cn.Strict).ConfigureAwait(false);
        Value v;
        if (cn.Expr is not null)
        {
            v = await cn.Expr.Eval(frame).ConfigureAwait(false);
        }
        else
        {
            var inputs = ImmutableArray.Create(frame.Inputs.Select(x => x ?? Value.Null).ToArray());
            var outcome = await cn.Executor!.ExecuteAsync(cn.Node, inputs, _ct).ConfigureAwait(false);
            frame.SelfMs += outcome.LatencyMs ?? 0;
            v = outcome.Value;
        }

        var start = Math.Max(frame.MaxReady, _floor[id]);
        var self = _virtual ? frame.SelfMs : Math.Max(0, Elapsed - start);
        Finish(id, v, start, self, NodeStatus.Ran);
        return v;
    }

    private void Finish(int id, Value v, double start, double self, NodeStatus status)
    {
        lock (this)
        {
            _values[id] = v;
            _start[id] = start;
            _self[id] = self;
            _ready[id] = start + self;
            _status[id] = status;
            _done[id] = true;
        }
    }

    // ---- cached subgraphs (semantics in BRIEF "Shared semantics") ----

    private ValueTask<Value> DemandViaGroup(int grp, int id)
    {
        Task t;
        lock (this)
        {
            if (_groupDone[grp])
            {
                return new ValueTask<Value>(_values[id]!);
            }

            if (_groupPending[grp] is { } p)
            {
                t = p;
            }
            else
            {
                var vt = RunGroupAsync(grp);
                if (vt.IsCompletedSuccessfully)
                {
                    return new ValueTask<Value>(_values[id]!);
                }

                t = _groupPending[grp] = vt.AsTask();
            }
        }

        return AwaitGroup(t, id);
    }

    private async ValueTask<Value> AwaitGroup(Task t, int id)
    {
        await t.ConfigureAwait(false);
        return _values[id]!;
    }

    private async ValueTask RunGroupAsync(int grp)
    {
        var group = _g.Groups[grp];
        if (group.Cache is not { } cache)
        {
            await RunAheadGroupAsync(grp).ConfigureAwait(false);
            return;
        }

        var costs = _engine.Options.Costs;
        var entering = group.Entering;
        var values = new Value[entering.Length];
        var tasks = new ValueTask<Value>[entering.Length];
        for (var k = 0; k < entering.Length; k++)
        {
            tasks[k] = DemandNode(entering[k].From, entering[k].To);
        }

        var hashes = new ulong[entering.Length];
        var t = 0.0;
        for (var k = 0; k < entering.Length; k++)
        {
            var raw = await tasks[k].ConfigureAwait(false);
            var field = entering[k].Field;
            values[k] = field is null ? raw : raw.GetField(field) ?? Value.Null;
            hashes[k] = values[k].StableHash;
            lock (this)
            {
                t = Math.Max(t, ReadyFor(entering[k].From, entering[k].To));
            }
        }

        var key = CacheKey.Combine(hashes);
        var entry = await cache.GetAsync(key, _ct).ConfigureAwait(false);
        var afterLookup = _virtual ? t + costs.LookupMs : Math.Max(t, Elapsed);
        if (entry is not null && entry.Length == group.Exits.Length)
        {
            lock (this)
            {
                foreach (var m in group.Members)
                {
                    _values[m] ??= Value.Null;
                    _start[m] = t;
                    _self[m] = 0;
                    _ready[m] = afterLookup;
                    _status[m] = NodeStatus.Served;
                    _done[m] = true;
                }

                for (var x = 0; x < group.Exits.Length; x++)
                {
                    _values[group.Exits[x]] = entry[x];
                    _exitReady[group.Exits[x]] = afterLookup;
                }

                _groupDone[grp] = true;
            }

            if (_edges is not null)
            {
                for (var k = 0; k < entering.Length; k++)
                {
                    RecordEdge(ReadyFor(entering[k].From, entering[k].To), entering[k].From, entering[k].To, values[k]);
                }
            }

            return;
        }

        foreach (var m in group.Members)
        {
            _floor[m] = afterLookup;
        }

        var outputs = new Value[group.Exits.Length];
        var done = afterLookup;
        for (var x = 0; x < outputs.Length; x++)
        {
            outputs[x] = await DemandDirect(group.Exits[x]).ConfigureAwait(false);
            lock (this)
            {
                done = Math.Max(done, _ready[group.Exits[x]]);
            }
        }

        long bytes = 16;
        foreach (var o in outputs)
        {
            bytes += o.ByteSize;
        }

        await cache.SetAsync(key, outputs, bytes, _ct).ConfigureAwait(false);
        var ready = _virtual ? done + costs.InsertMs : Math.Max(done, Elapsed);
        lock (this)
        {
            foreach (var x in group.Exits)
            {
                _exitReady[x] = ready;
            }

            _groupDone[grp] = true;
        }
    }

    // ---- calls out ----

    public async ValueTask<Value> CallExternAsync(Frame f, ExternDecl decl, IExternBinding binding, Value[] args)
    {
        var site = new CallSite(_engine.Options.Clock, _engine.Options.Seed, Info.Id, f.NodeId, f.CallIndex++);
        var r = await binding.CallAsync(decl, args, site, _ct).ConfigureAwait(false);
        if (_virtual)
        {
            f.SelfMs += r.LatencyMs;
        }

        return r.Value;
    }

    private async ValueTask Charge(Frame f, bool simulated, LatencyDistribution latency, long startTicks)
    {
        if (simulated)
        {
            var ms = latency.Sample(SeededDraw.Hash(_engine.Options.Seed, Info.Id, f.NodeId, f.CallIndex++));
            if (_virtual)
            {
                f.SelfMs += ms;
            }
            else if (ms > 0)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(ms), _ct).ConfigureAwait(false);
            }
        }
        else if (_virtual)
        {
            f.SelfMs += Stopwatch.GetElapsedTime(startTicks).TotalMilliseconds;
        }
    }

    private static string KeyText(Value v, string what) => v.IsNull
        ? throw new FlimpRuntimeException($"a table {what} is none")
        : v.ToString();

    public async ValueTask<Value> TableGetAsync(Frame f, TableDecl t, Value pk, Value rk)
    {
        var tables = _engine.Options.Tables;
        var t0 = Stopwatch.GetTimestamp();
        var row = await tables.GetAsync(t, KeyText(pk, "partition key"), KeyText(rk, "row key"), _ct).ConfigureAwait(false);
        await Charge(f, tables.Simulated, _engine.Options.Bindings.TableLatency, t0).ConfigureAwait(false);
        return row ?? Value.Null;
    }

    public async ValueTask<Value> TableQueryAsync(Frame f, TableDecl t, Value pk, Value prefix)
    {
        var tables = _engine.Options.Tables;
        var t0 = Stopwatch.GetTimestamp();
        var rows = await tables.QueryAsync(t, KeyText(pk, "partition key"), prefix.IsNull ? null : prefix.ToString(), _ct).ConfigureAwait(false);
        await Charge(f, tables.Simulated, _engine.Options.Bindings.TableLatency, t0).ConfigureAwait(false);
        return Value.List(rows);
    }

    public async ValueTask<Value> TablePutAsync(Frame f, TableDecl t, Value pk, Value rk, Value fields)
    {
        var tables = _engine.Options.Tables;
        var t0 = Stopwatch.GetTimestamp();
        var row = Value.Record([new(t.PartitionKey.Name, pk), new(t.RowKey.Name, rk), .. fields.AsRecord]);
        await tables.PutAsync(t, KeyText(pk, "partition key"), KeyText(rk, "row key"), row, _ct).ConfigureAwait(false);
        await Charge(f, tables.Simulated, _engine.Options.Bindings.TableLatency, t0).ConfigureAwait(false);
        return Value.Null;
    }

    public async ValueTask<Value> TableDeleteAsync(Frame f, TableDecl t, Value pk, Value rk)
    {
        var tables = _engine.Options.Tables;
        var t0 = Stopwatch.GetTimestamp();
        await tables.DeleteAsync(t, KeyText(pk, "partition key"), KeyText(rk, "row key"), _ct).ConfigureAwait(false);
        await Charge(f, tables.Simulated, _engine.Options.Bindings.TableLatency, t0).ConfigureAwait(false);
        return Value.Null;
    }

    public async ValueTask<Value> EnqueueAsync(Frame f, string handler, Value args)
    {
        var queue = _engine.Options.Queue;
        var t0 = Stopwatch.GetTimestamp();
        var sentAt = Info.ArrivalMs + (_virtual ? f.MaxReady + f.SelfMs : Elapsed);
        await queue.SendAsync(new QueuedCall(handler, args, Info.Client, sentAt), _ct).ConfigureAwait(false);
        await Charge(f, queue.Simulated, _engine.Options.Bindings.QueueLatency, t0).ConfigureAwait(false);
        return Value.Null;
    }

    // ---- builtin context: the run's clock and seed ----

    public long NowMs => _virtual
        ? _engine.Options.EpochMs + (long)Info.ArrivalMs
        : DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    public string NewId()
    {
        var n = Interlocked.Increment(ref _draws);
        var a = SeededDraw.Hash(_engine.Options.Seed ^ 0x1D, Info.Id, n);
        var b = SeededDraw.Mix(a);
        return a.ToString("x16", CultureInfo.InvariantCulture) + b.ToString("x16", CultureInfo.InvariantCulture);
    }

    public double NextRandom() => SeededDraw.Unit(SeededDraw.Hash(_engine.Options.Seed ^ 0x2F, Info.Id, Interlocked.Increment(ref _draws)));

    // ---- the trace of this request ----

    public TraceRequest BuildTrace(double latency)
    {
        lock (this)
        {
            var n = _g.Nodes.Length;
            var nodes = new NodeEvent[n];
            for (var i = 0; i < n; i++)
            {
                nodes[i] = _done[i] ? new NodeEvent(i, _start[i], _self[i], _status[i]) : new NodeEvent(i, 0, 0, NodeStatus.Skipped);
            }

            // Stable insertion sorts: a handful of events each, and ties keep id/arrival order.
            for (var i = 1; i < n; i++)
            {
                var x = nodes[i];
                var j = i - 1;
                while (j >= 0 && nodes[j].StartMs > x.StartMs)
                {
                    nodes[j + 1] = nodes[j];
                    j--;
                }

                nodes[j + 1] = x;
            }

            var list = _edges!;
            AddUnpulledRequestFields(list);
            var edges = new EdgeEvent[list.Count];
            var times = new double[list.Count];
            for (var i = 0; i < list.Count; i++)
            {
                var (at, e) = list[i];
                var j = i - 1;
                while (j >= 0 && times[j] > at)
                {
                    times[j + 1] = times[j];
                    edges[j + 1] = edges[j];
                    j--;
                }

                times[j + 1] = at;
                edges[j + 1] = e;
            }

            return new TraceRequest(Info.Id, Info.Client, _g.Index, Info.ArrivalMs, latency,
                ImmutableCollectionsMarshal.AsImmutableArray(nodes), ImmutableCollectionsMarshal.AsImmutableArray(edges));
        }
    }

    /// <summary>
    /// The request's fields are known on arrival, so their edges into nodes that did not run are recorded
    /// too (at time 0): the key of a cache that starts at the Source needs them on every request.
    /// </summary>
    private void AddUnpulledRequestFields(List<(double At, EdgeEvent Edge)> list)
    {
        var source = _g.Graph.SourceId;
        foreach (var node in _g.Graph.Nodes)
        {
            if (_done[node.Id] && _status[node.Id] != NodeStatus.Skipped)
            {
                continue;
            }

            foreach (var input in node.Inputs)
            {
                if (input.From == source && input.Field is not null)
                {
                    var v = _request.GetField(input.Field) ?? Value.Null;
                    list.Add((0, new EdgeEvent(source, node.Id, v.StableHash, v.ByteSize)));
                }
            }
        }
    }
}
