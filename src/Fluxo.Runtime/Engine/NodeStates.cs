using Fluxo.Trace;
using Fluxo.Values;

namespace Fluxo.Runtime.Engine;

/// <summary>
/// What one request knows of each node so far: its value, when it started, its own time, when its value
/// was ready and how it ended. Shared by the node runs, the group runs and the trace; every access locks this object.
/// </summary>
internal sealed class NodeStates(int nodes)
{
    public Value?[] Values { get; } = new Value?[nodes];

    public bool[] Done { get; } = new bool[nodes];

    /// <summary>Runs started and not finished, so a second consumer awaits the same run.</summary>
    public Task<Value>?[] Pending { get; } = new Task<Value>?[nodes];

    public double[] Start { get; } = new double[nodes];

    public double[] Ready { get; } = new double[nodes];

    public double[] Self { get; } = new double[nodes];

    public NodeStatus[] Status { get; } = new NodeStatus[nodes];

    /// <summary>The earliest a node may start: a cache's members wait for its lookup.</summary>
    public double[] Floor { get; } = new double[nodes];

    /// <summary>When a group's exit is ready for a consumer outside the group (after the cache's insert).</summary>
    public double[] ExitReady { get; } = new double[nodes];

    public void Finish(int id, Value v, double start, double self, NodeStatus status)
    {
        lock (this)
        {
            Values[id] = v;
            Start[id] = start;
            Self[id] = self;
            Ready[id] = start + self;
            Status[id] = status;
            Done[id] = true;
        }
    }

    /// <summary>The latest finish of any node that ran: a failed request's latency.</summary>
    public double LatestFinish()
    {
        lock (this)
        {
            var t = 0.0;
            for (var i = 0; i < Done.Length; i++)
            {
                if (Done[i])
                {
                    t = Math.Max(t, Ready[i]);
                }
            }

            return t;
        }
    }
}
