using System.Collections.Immutable;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using Fluxo.Runtime.Groups;
using Fluxo.Runtime.Tracing;
using Fluxo.Trace;
using Fluxo.Values;

namespace Fluxo.Runtime.Engine;

/// <summary>
/// One request through one compiled graph, demand-driven from the Sink: a node runs the first time a
/// consumer pulls it, and each node's value and ready time are kept (<see cref="NodeStates"/>) so every
/// consumer shares them. Times are ms from the request's arrival: drawn and added under virtual time,
/// measured under real time. This class runs nodes; <see cref="GroupRuns"/> runs cached, pre-computed and
/// speculated subgraphs, <see cref="RequestCalls"/> the calls out of the graph, and <see cref="RequestTrace"/>
/// records the trace.
/// </summary>
internal sealed class RequestRun
{
    /// <summary>
    /// Demands nest on the stack while nodes finish synchronously (always, under virtual time): a node demands its
    /// inputs, which demand theirs, so a chain of 6,000 nodes overflowed the stack. Past this many nested demands on one
    /// thread the next node runs after a yield, on a fresh stack, so the depth no longer follows the program's size.
    /// </summary>
    private const int MaxNestedDemands = 64;

    [ThreadStatic]
    private static int NestedDemands;

    private readonly Value _request;
    private readonly long _startTicks;

    public RequestRun(ServiceEngine engine, CompiledGraph g, Value request, RequestInfo info, bool trace, CancellationToken ct, PendingSpeculation? pending = null)
    {
        Engine = engine;
        Graph = g;
        _request = request;
        Info = info;
        Ct = ct;
        Virtual = engine.Options.Clock == ClockMode.Virtual;
        _startTicks = Stopwatch.GetTimestamp();
        States = new NodeStates(g.Nodes.Length);
        Trace = trace ? RequestTrace.Start(g.Nodes.Length) : null;
        Groups = new GroupRuns(this, pending);
        Calls = new RequestCalls(this);
        Limit = new WorkLimit(engine.Options.WorkLimit, g, ct);
    }

    public ServiceEngine Engine { get; }

    public CompiledGraph Graph { get; }

    public RequestInfo Info { get; }

    public CancellationToken Ct { get; }

    /// <summary>Latencies are drawn and added (virtual time) rather than measured.</summary>
    public bool Virtual { get; }

    public NodeStates States { get; }

    /// <summary>Null unless the run records its trace.</summary>
    public RequestTrace? Trace { get; }

    public GroupRuns Groups { get; }

    public RequestCalls Calls { get; }

    public WorkLimit Limit { get; }

    public double Elapsed => Stopwatch.GetElapsedTime(_startTicks).TotalMilliseconds;

    public ValueTask<Value> RunSinkAsync() => DemandDirect(Graph.Graph.SinkId);

    public double SinkReady => States.Ready[Graph.Graph.SinkId];

    /// <summary>The latest finish of any node that ran: a failed request's latency.</summary>
    public double LatestFinish() => States.LatestFinish();

    // ---- demand ----

    public ValueTask<Value> DemandNode(int id, int consumer)
    {
        var grp = Graph.GroupOf[id];
        return grp >= 0 && (consumer < 0 || Graph.GroupOf[consumer] != grp) ? Groups.DemandViaGroup(grp, id) : DemandDirect(id);
    }

    public ValueTask<Value> DemandDirect(int id)
    {
        lock (States)
        {
            if (States.Done[id])
            {
                return new ValueTask<Value>(States.Values[id]!);
            }

            if (States.Pending[id] is { } p)
            {
                return new ValueTask<Value>(p);
            }

            ValueTask<Value> vt;
            if (NestedDemands >= MaxNestedDemands)
            {
                vt = RunNodeLaterAsync(id);
            }
            else
            {
                NestedDemands++;
                try
                {
                    vt = RunNodeAsync(id);
                }
                finally
                {
                    NestedDemands--;
                }
            }

            if (vt.IsCompletedSuccessfully)
            {
                return vt;
            }

            var t = vt.AsTask();
            States.Pending[id] = t;
            return new ValueTask<Value>(t);
        }
    }

    /// <summary>When <paramref name="from"/>'s value reached <paramref name="consumer"/>: a cache exit read from outside is ready only when the cache says so.</summary>
    public double ReadyFor(int from, int consumer)
    {
        var grp = Graph.GroupOf[from];
        return grp >= 0 && Graph.GroupOf[consumer] != grp ? States.ExitReady[from] : States.Ready[from];
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
        lock (States)
        {
            var at = ReadyFor(input.From, f.NodeId);
            f.MaxReady = Math.Max(f.MaxReady, at);
            Trace?.Edge(at, input.From, f.NodeId, v);
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

    private async ValueTask<Value> RunNodeLaterAsync(int id)
    {
        await Task.Yield();
        return await RunNodeAsync(id).ConfigureAwait(false);
    }

    private async ValueTask<Value> RunNodeAsync(int id)
    {
        var cn = Graph.Nodes[id];
        if (id == Graph.Graph.SourceId)
        {
            States.Finish(id, _request, 0, 0, NodeStatus.Ran);
            return _request;
        }

        var frame = new Frame(this, cn, id, new Value?[cn.Node.Inputs.Length], cn.Slots == 0 ? [] : new Value[cn.Slots]);
        if (cn.Guard is not null)
        {
            await DemandAll(frame, cn.GuardStrict).ConfigureAwait(false);
            if (!Operators.IsTrue(await cn.Guard.Eval(frame).ConfigureAwait(false)))
            {
                var at = Math.Max(frame.MaxReady, States.Floor[id]);
                States.Finish(id, Value.Null, at, 0, NodeStatus.Skipped);
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
            var outcome = await cn.Executor!.ExecuteAsync(cn.Node, inputs, Ct).ConfigureAwait(false);
            frame.SelfMs += outcome.LatencyMs ?? 0;
            v = outcome.Value;
        }

        var start = Math.Max(frame.MaxReady, States.Floor[id]);
        var self = Virtual ? frame.SelfMs : Math.Max(0, Elapsed - start);
        States.Finish(id, v, start, self, NodeStatus.Ran);
        return v;
    }

    /// <summary>This request's trace record; only for a run made with tracing on, once it has finished.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public RecordedTrace BuildTrace(double latency)
    {
        lock (States)
        {
            return Trace!.Build(Info, Graph.Index, Graph.SourceFields, _request, latency, States.Done, States.Start, States.Self, States.Status);
        }
    }
}
