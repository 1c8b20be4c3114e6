using Fluxo.Diagnostics;
using Fluxo.Ir;
using Fluxo.Optimizer.Candidates;
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
    /// null with diagnostics when the trace does not fit the program. <paramref name="sampleSalt"/> draws another sample of the
    /// same rate (<see cref="Sampling.KeySample"/>), to check that a sample's accuracy is not luck.
    /// </summary>
    public static ServiceReplay? Read(IrModule module, string path, DiagnosticBag diagnostics, CostModel? cost = null, double sample = 1.0, ulong sampleSalt = 0)
    {
        var sink = new Sink(module, path, diagnostics, sample, sampleSalt);
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

        // Builder indexes become part indexes in place: a copy would hold a second array of every request at the peak.
        sink.Order.Renumber(partOf);
        return new ServiceReplay(module, cost ?? CostModel.Default, sink.Order, parts, count: sink.Kept) { TraceRequests = sink.Seen, _fromFile = true, _seenAt = sink.SeenAt };
    }

    /// <summary>
    /// The requests among the trace file's first <paramref name="fileRequests"/> (kept by the sample or not), as a replay
    /// that shares this one's flat arrays: what reading only those requests would give. Needs a replay from <see cref="Read"/>.
    /// </summary>
    public ServiceReplay Prefix(long fileRequests)
    {
        if (!_fromFile)
        {
            throw new InvalidOperationException("only a replay read from a file knows where its requests were");
        }

        var seenAt = _seenAt;
        var count = seenAt is null ? (int)Math.Min(_count, Math.Max(0, fileRequests)) : 0;
        while (seenAt is not null && count < _count && seenAt[count] < fileRequests)
        {
            count++;
        }

        var rows = new int[_parts.Count];
        for (var i = 0; i < count; i++)
        {
            var (part, row, _) = _order[i];
            rows[part] = row + 1;
        }

        // A handler with no request in the prefix has no part, as when the prefix alone is read.
        var parts = new List<Part>();
        var partOf = new int[_parts.Count];
        for (var p = 0; p < _parts.Count; p++)
        {
            partOf[p] = parts.Count;
            if (rows[p] > 0)
            {
                var flat = _parts[p].Flat.Prefix(rows[p]);
                parts.Add(_parts[p] with { Flat = flat, Simulator = new Simulator(flat, _parts[p].Simulator) });
            }
        }

        // When every part keeps its index, the prefix shares this replay's order and positions; otherwise they are renumbered in a copy.
        if (parts.Count == _parts.Count)
        {
            return new ServiceReplay(Module, Cost, _order, parts, count: count) { TraceRequests = Math.Min(fileRequests, TraceRequests), _fromFile = true, _seenAt = seenAt, KeepLatencies = KeepLatencies };
        }

        var order = ReplayOrder.From(Enumerable.Range(0, count).Select(i =>
        {
            var (part, row, client) = _order[i];
            return (partOf[part], row, client);
        }));

        return new ServiceReplay(Module, Cost, order, parts) { TraceRequests = Math.Min(fileRequests, TraceRequests), _fromFile = true, _seenAt = seenAt?[..count], KeepLatencies = KeepLatencies };
    }

    /// <summary>Requests in the trace file, kept by the sample or not.</summary>
    public long TraceRequests { get; private init; }

    // Per request replayed, its position among the file's requests; null when that is its own position (nothing was left out).
    private int[]? _seenAt;
    private bool _fromFile;

    private sealed class Sink(IrModule module, string path, DiagnosticBag diagnostics, double sample, ulong salt) : ITraceSink
    {
        private int[] _builderOf = [];

        public FlatTraceBuilder?[] Builders { get; } = new FlatTraceBuilder?[module.Graphs.Length];

        // Builder indexes until Read renumbers them as parts.
        public ReplayOrder Order { get; } = new();

        public int Kept => Order.Count;

        // Null while every request so far was kept: then a request's position in the file is its own.
        public int[]? SeenAt { get; private set; }

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
                Builders[index] ??= new FlatTraceBuilder(new GraphFacts(module.Graphs[index]), header.SampleRate, sample, path, diagnostics, salt);
            }

            return true;
        }

        public void Expect(long requests, bool exact)
        {
            // A little over an estimate: request sizes vary along a trace, and growing past it doubles the arrays. An exact
            // count sizes exactly what is known to be kept: every request, so far, of a trace with one handler.
            var scale = requests * (exact ? 1 : 1.03) / Math.Max(1, Seen);
            var all = exact && Kept == Seen;
            var alone = all && Builders.Count(b => b is not null) == 1;
            foreach (var builder in Builders)
            {
                builder?.Reserve(alone ? requests : (long)(builder.Count * scale) + 1024);
            }

            var want = (int)Math.Min(Array.MaxLength, all ? requests : (long)(Kept * scale) + 1024);
            Order.Reserve(want);
            if (SeenAt is { } seen && seen.Length < Order.Capacity)
            {
                LargeArrays.Resize(ref seen, Order.Capacity);
                SeenAt = seen;
            }
        }

        public bool Request(in RequestHead head, ReadOnlySpan<NodeEvent> nodes, ReadOnlySpan<EdgeEvent> edges)
        {
            Seen++;
            var b = _builderOf[head.Graph];
            var builder = Builders[b]!;
            var row = builder.Count;
            switch (builder.Add(head.Id, nodes, edges, head.ArrivalMs))
            {
                case null:
                    return false;
                case false:
                    return true;
            }

            if (Kept == Order.Capacity)
            {
                Order.Reserve(Math.Max(1024, Kept * 2));
            }

            if (SeenAt is { } seen && seen.Length < Order.Capacity)
            {
                LargeArrays.Resize(ref seen, Order.Capacity);
                SeenAt = seen;
            }

            if (SeenAt is null && Kept != Seen - 1)
            {
                SeenAt = LargeArrays.Zeroed<int>(Order.Capacity);
                for (var i = 0; i < Kept; i++)
                {
                    SeenAt[i] = i;
                }
            }

            if (SeenAt is not null)
            {
                SeenAt[Kept] = (int)Math.Min(Seen - 1, int.MaxValue);
            }

            Order.Add(b, row, head.Client);
            return true;
        }
    }
}
