using System.Buffers.Binary;
using System.Text;
using Fluxo.Diagnostics;
using Fluxo.Trace;

namespace Fluxo.Core.Tests;

/// <summary>
/// Issue 18, defect 10: an edited hash inside a trace was replayed as if it had been recorded. Every trace now ends
/// with a checksum of its content, and a trace whose content no longer matches it is refused (FLX7050) where the
/// checksum stands; traces written before the checksum existed still read.
/// </summary>
public sealed class TraceChecksumTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fluxo-checksum-").FullName;

    // The text form's last line, as docs/trace-format.md gives it.
    private const string Prefix = "checksum ";

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(bool binary, int requests = 50)
    {
        var module = TraceOrderTests.Module();
        var path = Path.Combine(_dir, binary ? "t.bin" : "t.trace");
        var header = new TraceHeader(TraceHeader.CurrentFormat, "S", [new TraceGraph(0, module.Graphs[0].Name, module.Graphs[0].Hash, 3)], "virtual");
        using var w = TraceWriter.Create(path, header, binary);
        for (var i = 1; i <= requests; i++)
        {
            w.Write(new TraceRequest(i, i % 3, 0, i * 1.5, 2.25,
                [new NodeEvent(0, 0, 0, NodeStatus.Ran), new NodeEvent(1, 0.125, 2, NodeStatus.Ran), new NodeEvent(2, 2.125, 0, NodeStatus.Ran)],
                [new EdgeEvent(0, 1, 0xFEDCBA9876543210UL + (ulong)i, 3), new EdgeEvent(1, 2, 43, i)]));
        }

        return path;
    }

    private static (TraceData? Trace, IReadOnlyList<Diagnostic> Diags) Read(string path)
    {
        var diags = new DiagnosticBag();
        var trace = TraceFile.Read(path, TraceOrderTests.Module(), diags);
        return (trace, diags.Items.ToList());
    }

    [Fact]
    public void AnEditedEdgeHashInTheTextFormIsRefusedAtTheChecksumLine()
    {
        var path = Write(binary: false);
        Assert.Empty(Read(path).Diags);
        var lines = File.ReadAllLines(path);
        var edge = Array.FindIndex(lines, l => l.StartsWith("E 0 1 fedcba9876543219", StringComparison.Ordinal));
        lines[edge] = lines[edge].Replace("fedcba9876543219", "fedcba9876543218", StringComparison.Ordinal);
        File.WriteAllText(path, string.Join("\n", lines) + "\n");

        var (trace, diags) = Read(path);
        Assert.Null(trace);
        var d = Assert.Single(diags);
        Assert.Equal("FLX7050", d.Code);
        Assert.Equal(lines.Length, d.Span.Line);
    }

    [Fact]
    public void AnEditedEdgeHashInTheBinaryFormIsRefusedAtTheChecksumsOffset()
    {
        var path = Write(binary: true);
        Assert.Empty(Read(path).Diags);
        var bytes = File.ReadAllBytes(path);
        var hash = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(hash, 0xFEDCBA9876543210UL + 9);
        var at = bytes.AsSpan().IndexOf(hash);
        Assert.True(at > 0);
        bytes[at] ^= 1;
        File.WriteAllBytes(path, bytes);

        var (trace, diags) = Read(path);
        Assert.Null(trace);
        var d = Assert.Single(diags);
        Assert.Equal("FLX7050", d.Code);
        Assert.Equal($"byte {bytes.Length - 8}", d.Span.Path);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ATraceWrittenBeforeChecksumsStillReads(bool binary)
    {
        var path = Write(binary);
        var whole = Read(path).Trace!;
        var bytes = File.ReadAllBytes(path);
        var cut = binary ? bytes.Length - 8 : Encoding.UTF8.GetString(bytes).LastIndexOf(Prefix, StringComparison.Ordinal);
        File.WriteAllBytes(path, bytes[..cut]);

        var (old, diags) = Read(path);
        Assert.Empty(diags);
        Assert.Equal(whole.Requests.Select(r => r.Edges.ToArray()), old!.Requests.Select(r => r.Edges.ToArray()));
    }

    [Fact]
    public void TheChecksumIsThatOfEveryByteBeforeIt()
    {
        var bytes = File.ReadAllBytes(Write(binary: true));
        Assert.Equal(TraceWriter.Checksum(bytes.AsSpan(0, bytes.Length - 8)), BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(bytes.Length - 8)));
        var text = File.ReadAllText(Write(binary: false));
        var line = text.LastIndexOf(Prefix, StringComparison.Ordinal);
        Assert.Equal($"{Prefix}{TraceWriter.Checksum(Encoding.UTF8.GetBytes(text[..line])):x16}\n", text[line..]);
    }

    [Theory]
    [InlineData(false, "checksum 12\n", "FLX1001")]
    [InlineData(false, "end 50\n", "FLX1001")]
    [InlineData(true, "\u0001\u0002", "FLX1004")]
    public void BytesAfterTheChecksumAreRefused(bool binary, string extra, string code)
    {
        var path = Write(binary);
        File.AppendAllText(path, extra);
        Assert.Equal(code, Assert.Single(Read(path).Diags).Code);
    }
}
