using Fluxo.Diagnostics;
using Fluxo.Ir;
using Fluxo.Trace;

namespace Fluxo.Core.Tests;

/// <summary>Issue 18, defect 10: every trace reader, text and binary, refuses reordered or repeated requests, an unknown clock and an edited graph hash, at a location.</summary>
public sealed class TraceOrderTests : IDisposable
{
    private static readonly SourceSpan Span = SourceSpan.None("t.flimp");
    private readonly string _dir = Directory.CreateTempSubdirectory("fluxo-trace-order-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>A three-node service (Source, one compute node, Sink) whose handler is <paramref name="graphName"/>; other trace tests share it.</summary>
    internal static IrModule Module(string graphName = "h")
    {
        var props = new NodeProps(true, true, true, [], []);
        Node N(int id, NodeKind kind, NodeInput[] inputs) => new(id, kind, "n" + id, null, [.. inputs], null, null, "string", props, Span);
        var g = IrJson.WithHash(new Graph(graphName, [new Param("x", "string")], "string", [N(0, NodeKind.Source, []), N(1, NodeKind.Compute, [new(0, "x")]), N(2, NodeKind.Sink, [new(1)])], 0, 2, "", Span));
        return new IrModule("S", "t.flimp", [], [], [], [], [g]);
    }

    private static TraceHeader Header(string hash, string clock = "virtual") => new(TraceHeader.CurrentFormat, "S", [new TraceGraph(0, "h", hash, 3)], clock);

    private static TraceRequest Request(long id, double arrival) => new(id, 1, 0, arrival, 5,
        [new NodeEvent(0, 0, 0, NodeStatus.Ran), new NodeEvent(1, 1, 3, NodeStatus.Ran), new NodeEvent(2, 4, 0, NodeStatus.Ran)],
        [new EdgeEvent(0, 1, 42, 3), new EdgeEvent(1, 2, 43, 4)]);

    private string Write(bool binary, TraceHeader header, params TraceRequest[] requests)
    {
        var path = Path.Combine(_dir, Guid.NewGuid().ToString("N"));
        using (var w = TraceWriter.Create(File.Create(path), header, binary))
        {
            foreach (var r in requests)
            {
                w.Write(r);
            }
        }

        return path;
    }

    private static Diagnostic Refused(string path, IrModule module)
    {
        var diags = new DiagnosticBag();
        Assert.Null(TraceFile.Read(path, module, diags));
        return Assert.Single(diags.Items);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void RequestsInArrivalOrderWithTiesAreRead(bool binary)
    {
        var m = Module();
        var path = Write(binary, Header(m.Graphs[0].Hash), Request(1, 0), Request(3, 2.5), Request(2, 2.5), Request(4, 9));
        var diags = new DiagnosticBag();
        Assert.Equal(4, TraceFile.Read(path, m, diags)?.Requests.Count);
        Assert.Empty(diags.Items);
    }

    [Theory]
    [InlineData(false, "FLX1001", "(9,1)")]
    [InlineData(true, "FLX1004", "at byte")]
    public void ARequestArrivingBeforeTheOneAboveIsRefusedWhereItStands(bool binary, string code, string where)
    {
        var m = Module();
        var d = Refused(Write(binary, Header(m.Graphs[0].Hash), Request(1, 10), Request(2, 5)), m);
        Assert.Equal(code, d.Code);
        Assert.Contains(where, d.Format());
        Assert.Contains("request 2 arrives at 5.000 ms, before the request above it (10.000 ms)", d.Message);
    }

    [Theory]
    [InlineData(false, "FLX1001")]
    [InlineData(true, "FLX1004")]
    public void ARepeatedIdIsRefused(bool binary, string code)
    {
        var m = Module();
        var d = Refused(Write(binary, Header(m.Graphs[0].Hash), Request(1, 1), Request(2, 2), Request(1, 3)), m);
        Assert.Equal(code, d.Code);
        Assert.Contains("request id 1 appears twice", d.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void IdsOutOfRunAreCheckedForRepeatsAcrossTheGaps(bool binary)
    {
        // Ids are kept as ranges (a trace of any length in little memory): fill gaps from both sides and between runs.
        var m = Module();
        long[] ids = [10, 11, 12, 20, 21, 5, 7, 6, 14, 13, 16, 15, 18, 19, 17, 4, 30];
        var fine = Write(binary, Header(m.Graphs[0].Hash), [.. ids.Select((id, i) => Request(id, i))]);
        var diags = new DiagnosticBag();
        Assert.Equal(ids.Length, TraceFile.Read(fine, m, diags)?.Requests.Count);
        Assert.Empty(diags.Items);
        foreach (var repeat in new long[] { 4, 6, 12, 17, 21, 30 })
        {
            var path = Write(binary, Header(m.Graphs[0].Hash), [.. ids.Append(repeat).Select((id, i) => Request(id, i))]);
            Assert.Contains($"request id {repeat} appears twice", Refused(path, m).Message);
        }
    }

    [Theory]
    [InlineData(false, "FLX1001")]
    [InlineData(true, "FLX1004")]
    public void AnUnknownClockIsRefused(bool binary, string code)
    {
        var m = Module();
        var d = Refused(Write(binary, Header(m.Graphs[0].Hash, clock: "sideways"), Request(1, 1)), m);
        Assert.Equal(code, d.Code);
        Assert.Contains("the clock is 'sideways'", d.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AnEditedGraphHashIsRefused(bool binary)
    {
        var m = Module();
        var edited = m.Graphs[0].Hash[..^1] + (m.Graphs[0].Hash[^1] == '0' ? '1' : '0');
        var d = Refused(Write(binary, Header(edited), Request(1, 1)), m);
        Assert.Equal("FLX1003", d.Code);
        Assert.Contains("(2,1)", d.Format());
    }
}
