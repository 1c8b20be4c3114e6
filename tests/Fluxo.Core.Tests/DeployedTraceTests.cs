using System.Collections.Immutable;
using Fluxo.Diagnostics;
using Fluxo.Ir;
using Fluxo.Policy;
using Fluxo.Trace;

namespace Fluxo.Core.Tests;

/// <summary>Reading a blob cut off at any byte, joining a deployed service's trace parts, and locating stale policy decisions.</summary>
public class DeployedTraceTests
{
    private static readonly SourceSpan Span = SourceSpan.None("t.flimp");

    private static IrModule Module()
    {
        var props = new NodeProps(true, true, true, [], []);
        Node N(int id, NodeKind kind, NodeInput[] inputs) => new(id, kind, "n" + id, null, [.. inputs], null, null, "string", props, Span);
        var g = IrJson.WithHash(new Graph("h", [new Param("x", "string")], "string", [N(0, NodeKind.Source, []), N(1, NodeKind.Compute, [new(0, "x")]), N(2, NodeKind.Sink, [new(1)])], 0, 2, "", Span));
        return new IrModule("S", "t.flimp", [], [], [], [], [g]);
    }

    private static TraceHeader Header(IrModule m) => new(TraceHeader.CurrentFormat, m.Service, [new TraceGraph(0, "h", m.Graphs[0].Hash, 3)], "real");

    private static TraceRequest Body(long id, double arrival) => new(id, 0, 0, arrival, 5,
        [new NodeEvent(0, 0, 0, NodeStatus.Ran), new NodeEvent(1, 1, 3, NodeStatus.Ran), new NodeEvent(2, 4, 0, NodeStatus.Ran)],
        [new EdgeEvent(0, 1, 42, 3), new EdgeEvent(1, 2, 43, 4)]);

    private static byte[] Binary(TraceHeader header, IEnumerable<TraceRequest> requests, bool end)
    {
        var ms = new MemoryStream();
        var w = TraceWriter.Create(ms, header, binary: true);
        foreach (var r in requests)
        {
            w.Write(r);
        }

        w.Flush();
        var bytes = ms.ToArray();
        if (end)
        {
            w.Dispose();
            bytes = ms.ToArray();
        }

        return bytes;
    }

    [Fact]
    public void ABlobCutAtAnyByteReadsToItsLastWholeRequest()
    {
        var m = Module();
        var requests = Enumerable.Range(0, 5).Select(i => Body(i, i * 10)).ToList();
        var full = Binary(Header(m), requests, end: false);
        var headerOnly = Binary(Header(m), [], end: false).Length;
        var ends = Enumerable.Range(0, 6).Select(k => Binary(Header(m), requests.Take(k), end: false).Length).ToArray();
        for (var cut = headerOnly; cut <= full.Length; cut++)
        {
            var diags = new DiagnosticBag();
            var data = TraceFile.ReadCut("blob", full[..cut], diags, out var lost);
            Assert.True(data is not null, string.Join("\n", diags.Items.Select(d => d.Format())));
            var whole = ends.Count(e => e <= cut) - 1;
            Assert.Equal(whole, data.Requests.Count);
            Assert.Equal(cut - ends[whole], lost);
        }

        // A closed blob reads whole; damage that is not a cut is still refused.
        Assert.Equal(5, TraceFile.ReadCut("blob", Binary(Header(m), requests, end: true), new DiagnosticBag(), out var none)!.Requests.Count);
        Assert.Equal(0, none);
        var damaged = full.ToArray();
        damaged[headerOnly] = (byte)'X';
        var bad = new DiagnosticBag();
        Assert.Null(TraceFile.ReadCut("blob", damaged, bad, out _));
        Assert.Equal("FLX1004", Assert.Single(bad.Items).Code);
    }

    [Fact]
    public void JoinTakesTheWorkersNodesAndTheFrontEndsClientArrivalAndLatency()
    {
        var m = Module();
        var envelope = new TraceRequest(7, 3, 0, 1_000_000, 50, [], []);
        var body = Body(7, 1_000_020);
        var alone = Body(8, 1_000_010);
        var lost = new TraceRequest(9, 1, 0, 1_000_005, 9, [], []);
        var parts = new List<TracePart>
        {
            new("front", new TraceData(Header(m), [envelope, lost]), 0, 2),
            new("worker", new TraceData(Header(m), [body, alone]), 12, 1),
        };
        var (trace, report) = DeployedTraces.Join(m, parts, null, null);
        Assert.Equal(new JoinReport(2, 2, 1, 1, 1, 12, 3), report);
        Assert.Equal(3, trace.Header.DroppedRequests);
        Assert.Equal([0L, 1L], trace.Requests.Select(r => r.Id));
        var joined = trace.Requests[0];
        Assert.Equal((3L, 0.0, 50.0), (joined.Client, joined.ArrivalMs, joined.LatencyMs));
        Assert.Equal(21, joined.Nodes.Single(n => n.Node == 1).StartMs);
        Assert.Equal(10, trace.Requests[1].ArrivalMs);

        var (ranged, _) = DeployedTraces.Join(m, parts, 1_000_001, null);
        Assert.Single(ranged.Requests);
    }

    [Fact]
    public void AStaleDecisionIsLocatedAtItsGraphHash()
    {
        var m = Module();
        var policy = PolicyDocument.Empty("S", 100) with { Caches = [new CacheDecision("h", m.Graphs[0].Hash, [1], 50, "lru", 0, 0), new CacheDecision("h", "feedfeedfeedfeed", [1], 50, "lru", 0, 0)] };
        var text = PolicyJson.Serialize(policy);
        var diags = new DiagnosticBag();
        Assert.Null(StalePolicy.Apply(m, policy, "p.json", text, allowStale: false, diags));
        var d = Assert.Single(diags.Items);
        var line = Array.FindIndex(text.Split('\n'), l => l.Contains("feedfeedfeedfeed", StringComparison.Ordinal)) + 1;
        Assert.Equal(("FLX4100", line), (d.Code, d.Span.Line));
        var allowed = StalePolicy.Apply(m, policy, "p.json", text, allowStale: true, new DiagnosticBag());
        Assert.Equal([m.Graphs[0].Hash], allowed!.Caches.Select(c => c.GraphHash));
    }
}
