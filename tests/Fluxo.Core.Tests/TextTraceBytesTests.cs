using System.Text;
using Fluxo.Diagnostics;
using Fluxo.Ir;
using Fluxo.Trace;

namespace Fluxo.Core.Tests;

/// <summary>
/// Issue 14, item 2: the text reader parses each line's bytes in place (no string per line). It splits lines as a
/// text reader does (LF, CRLF, CR; a byte order mark skipped), reads a line longer than its buffer, reads exactly
/// what the binary form of the same trace holds, and still names the line where a trace goes wrong.
/// </summary>
public sealed class TextTraceBytesTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fluxo-text-bytes-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static IrModule Module(string graphName = "h") => TraceOrderTests.Module(graphName);

    private static TraceRequest Request(long id, double arrival, double self) => new(id, id % 3, 0, arrival, self + 0.25,
        [new NodeEvent(0, 0, 0, NodeStatus.Ran), new NodeEvent(1, 0.125, self, NodeStatus.Ran), new NodeEvent(2, self + 0.125, 0, NodeStatus.Skipped)],
        [new EdgeEvent(0, 1, 0xFEDCBA9876543210UL + (ulong)id, 3), new EdgeEvent(1, 2, 43, (int)id)]);

    private string Write(IrModule module, bool binary, int requests)
    {
        var path = Path.Combine(_dir, Guid.NewGuid().ToString("N"));
        var header = new TraceHeader(TraceHeader.CurrentFormat, "S", [new TraceGraph(0, module.Graphs[0].Name, module.Graphs[0].Hash, 3)], "virtual");
        using var w = TraceWriter.Create(File.Create(path), header, binary);
        for (var i = 1; i <= requests; i++)
        {
            w.Write(Request(i, i * 1.5, (i % 97) + 0.001));
        }

        return path;
    }

    private static TraceData Read(string path, IrModule module)
    {
        var diags = new DiagnosticBag();
        var trace = TraceFile.Read(path, module, diags);
        Assert.Empty(diags.Items);
        return trace!;
    }

    private static void AssertSame(TraceData expected, TraceData actual)
    {
        Assert.Equal(expected.Requests.Count, actual.Requests.Count);
        for (var i = 0; i < expected.Requests.Count; i++)
        {
            var (e, a) = (expected.Requests[i], actual.Requests[i]);
            Assert.Equal((e.Id, e.Client, e.Graph, e.ArrivalMs, e.LatencyMs), (a.Id, a.Client, a.Graph, a.ArrivalMs, a.LatencyMs));
            Assert.Equal(e.Nodes.ToArray(), a.Nodes.ToArray());
            Assert.Equal(e.Edges.ToArray(), a.Edges.ToArray());
        }
    }

    [Fact]
    public void TextReadsWhatTheBinaryFormHolds()
    {
        var m = Module();
        AssertSame(Read(Write(m, binary: true, 5000), m), Read(Write(m, binary: false, 5000), m));
    }

    [Theory]
    [InlineData("\r\n", false)]
    [InlineData("\r", false)]
    [InlineData("\n", true)]
    public void LineEndsAndByteOrderMarkAreThoseOfATextReader(string newLine, bool bom)
    {
        var m = Module();
        var lf = Write(m, binary: false, 3000);
        var text = File.ReadAllText(lf).Replace("\n", newLine, StringComparison.Ordinal);
        var other = Path.Combine(_dir, "other.trace");
        File.WriteAllBytes(other, [.. (bom ? Encoding.UTF8.GetPreamble() : []), .. Encoding.UTF8.GetBytes(text)]);
        if (newLine == "\r")
        {
            // A trace must end with a line feed; the rest of its lines may end with CR alone.
            File.AppendAllText(other, "\n");
        }

        AssertSame(Read(lf, m), Read(other, m));
    }

    [Fact]
    public void AHeaderLongerThanTheBufferIsRead()
    {
        // A graph name of 200,000 characters makes the header line three times the reader's buffer.
        var m = Module(new string('g', 200_000));
        Assert.Equal(10, Read(Write(m, binary: false, 10), m).Requests.Count);
    }

    [Fact]
    public void AMalformedLineIsNamedByItsNumber()
    {
        var m = Module();
        var path = Write(m, binary: false, 100);
        var lines = File.ReadAllLines(path);

        // Line 2 is the header; request 50's node lines follow its request line.
        var at = Array.FindIndex(lines, l => l.StartsWith("R 50 ", StringComparison.Ordinal)) + 2;
        lines[at] = lines[at].Replace("ran", "rna", StringComparison.Ordinal);
        File.WriteAllText(path, string.Join("\r\n", lines) + "\r\n");
        var diags = new DiagnosticBag();
        Assert.Null(TraceFile.Read(path, m, diags));
        var d = Assert.Single(diags.Items);
        Assert.Equal("FLX1001", d.Code);
        Assert.Equal(at + 1, d.Span.Line);
    }
}
