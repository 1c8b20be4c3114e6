using Fluxo.Diagnostics;
using Fluxo.Ir;
using Fluxo.Optimizer.Graphs;
using Fluxo.Optimizer.Replay;
using Fluxo.Policy;
using Fluxo.Trace;

namespace Fluxo.Optimizer.Ahead;

/// <summary>Reading a trace file straight into the flattened handlers, in one streaming pass.</summary>
public sealed partial class ServiceReplay
{
    /// <summary>
    /// Reads the trace at <paramref name="path"/> once, straight from its bytes into each handler's flat arrays
    /// (no object per request), keeping a <paramref name="sample"/> share of the key space when below 1;
    /// null with diagnostics when the trace does not fit the program.
    /// </summary>
    public static ServiceReplay? Read(IrModule module, string path, DiagnosticBag diagnostics, CostModel? cost = null, double sample = 1.0)
    {
        var sink = new Sink(module, path, diagnostics, sample);
        if (!TraceFile.Scan(path, diagnostics, sink))
        {
            return null;
        }

        var parts = new List<Part>();
        var partOf = new int[sink.Builders.Length];
        for (var b = 0; b < sink.Builders.Length; b++)
        {
            var builder = sink.Builders[b];
            partOf[b] = -1;
            if (builder is null || builder.Count == 0)
            {
                continue;
            }

            partOf[b] = parts.Count;
            var flat = builder.Build();
            parts.Add(new Part(module.Graphs[b], flat.Facts, flat, new Simulator(flat, cost)));
        }

        var order = new (int, int, long, double)[sink.Kept];
        for (var i = 0; i < order.Length; i++)
        {
            var (b, row, client, arrival) = sink.Order[i];
            order[i] = (partOf[b], row, client, arrival);
        }

        return new ServiceReplay(module, cost ?? CostModel.Default, order, parts) { TraceRequests = sink.Seen };
    }

    /// <summary>Requests in the trace file, kept by the sample or not.</summary>
    public long TraceRequests { get; private init; }

    private sealed class Sink(IrModule module, string path, DiagnosticBag diagnostics, double sample) : ITraceSink
    {
        private int[] _builderOf = [];

        public FlatTraceBuilder?[] Builders { get; } = new FlatTraceBuilder?[module.Graphs.Length];

        public (int Builder, int Row, long Client, double Arrival)[] Order { get; private set; } = [];

        public int Kept { get; private set; }

        public long Seen { get; private set; }

        public bool Begin(TraceHeader header)
        {
            if (!TraceFile.Matches(path, new TraceData(header, []), module, diagnostics))
            {
                return false;
            }

            // Requests name their graph by its position in the header.
            _builderOf = new int[header.Graphs.Length];
            for (var i = 0; i < header.Graphs.Length; i++)
            {
                var index = module.Graphs.IndexOf(module.FindGraph(header.Graphs[i].Name)!);
                _builderOf[i] = index;
                Builders[index] ??= new FlatTraceBuilder(new GraphFacts(module.Graphs[index]), header.SampleRate, sample, path, diagnostics);
            }

            return true;
        }

        public bool Request(in RequestHead head, ReadOnlySpan<NodeEvent> nodes, ReadOnlySpan<EdgeEvent> edges)
        {
            Seen++;
            var b = _builderOf[head.Graph];
            var builder = Builders[b]!;
            var row = builder.Count;
            switch (builder.Add(head.Id, nodes, edges))
            {
                case null:
                    return false;
                case false:
                    return true;
            }

            if (Kept == Order.Length)
            {
                var grown = Order;
                Array.Resize(ref grown, Math.Max(1024, Order.Length * 2));
                Order = grown;
            }

            Order[Kept++] = (b, row, head.Client, head.ArrivalMs);
            return true;
        }
    }
}
