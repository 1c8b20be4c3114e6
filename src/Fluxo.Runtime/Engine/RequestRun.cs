using System.Collections.Immutable;
using System.Diagnostics;
using Fluxo.Builtins;
using Fluxo.Runtime.Tracing;
using Fluxo.Trace;
using Fluxo.Values;

namespace Fluxo.Runtime.Engine;

/// <summary>
/// One request through one compiled graph, demand-driven from the Sink: a node runs the first time a
/// consumer pulls it, and each node's value and ready time are kept so every consumer shares them.
/// Times are ms from the request's arrival: drawn and added under virtual time, measured under real time.
/// This file runs nodes; RequestRun.Groups runs cached, pre-computed and speculated subgraphs,
/// RequestRun.Calls the calls out of the graph, and <see cref="RequestTrace"/> records the trace.
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
    private readonly RequestTrace? _trace;
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
        _trace = trace ? new RequestTrace(n + 4) : null;
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
        lock (this)
        {
            var at = ReadyFor(input.From, f.NodeId);
            f.MaxReady = Math.Max(f.MaxReady, at);
            _trace?.Edge(at, input.From, f.NodeId, v);
        }

        return v;
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

    /// <summary>This request's trace record; only for a run made with tracing on, once it has finished.</summary>
    public TraceRequest BuildTrace(double latency)
    {
        lock (this)
        {
            return _trace!.Build(Info, _g.Index, _g.Graph, _request, latency, _done, _start, _self, _status);
        }
    }
}
