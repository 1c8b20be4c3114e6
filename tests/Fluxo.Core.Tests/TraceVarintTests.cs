using Fluxo.Diagnostics;
using Fluxo.Trace;

namespace Fluxo.Core.Tests;

/// <summary>
/// Issue 14: the binary reader decodes a number of up to eight bytes from one 64-bit read. Every length from one to
/// nine bytes, at both ends of its range, reads back as written; without BMI2 the 7-bit groups are gathered by shifts,
/// which must agree with the instruction.
/// </summary>
public sealed class TraceVarintTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fluxo-varint-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // Microseconds of 1..9 bytes: the smallest and the largest of each length.
    private static IEnumerable<long> Micros()
    {
        for (var bytes = 1; bytes <= 9; bytes++)
        {
            yield return bytes == 1 ? 0 : 1L << (7 * (bytes - 1));
            yield return (1L << (7 * bytes)) - 1;
        }
    }

    [Fact]
    public void Numbers_of_every_length_read_back_as_written()
    {
        var module = TraceOrderTests.Module();
        var path = Path.Combine(_dir, "t.bin");
        var header = new TraceHeader(TraceHeader.CurrentFormat, "S", [new TraceGraph(0, module.Graphs[0].Name, module.Graphs[0].Hash, 3)], "virtual");
        var micros = Micros().ToArray();
        var written = new List<TraceRequest>();
        using (var w = TraceWriter.Create(path, header, binary: true))
        {
            for (var i = 0; i < micros.Length; i++)
            {
                var ms = micros[i] / 1000.0;
                var bytes = (int)Math.Min(micros[i], int.MaxValue);
                var r = new TraceRequest(i + 1, micros[i], 0, ms, ms,
                    [new NodeEvent(0, 0, 0, NodeStatus.Ran), new NodeEvent(1, ms, ms, NodeStatus.Ran), new NodeEvent(2, ms, 0, NodeStatus.Ran)],
                    [new EdgeEvent(0, 1, (ulong)micros[i], bytes), new EdgeEvent(1, 2, 43, bytes)]);
                w.Write(r);
                written.Add(r);
            }
        }

        var diags = new DiagnosticBag();
        var read = TraceFile.Read(path, module, diags);
        Assert.True(read is not null, string.Join("\n", diags.Items));
        Assert.Equal(written.Count, read!.Requests.Count);
        for (var i = 0; i < written.Count; i++)
        {
            var (a, b) = (written[i], read.Requests[i]);
            Assert.Equal((a.Id, a.Client, a.ArrivalMs, a.LatencyMs), (b.Id, b.Client, b.ArrivalMs, b.LatencyMs));
            Assert.Equal(a.Nodes.ToArray(), b.Nodes.ToArray());
            Assert.Equal(a.Edges.ToArray(), b.Edges.ToArray());
        }
    }

    [Fact]
    public void Gathering_by_shifts_agrees_with_the_bit_extract_instruction()
    {
        var random = new Random(14);
        List<ulong> words = [.. Enumerable.Range(0, 10_000).Select(_ => (ulong)random.NextInt64() ^ ((ulong)random.Next() << 63)), ulong.MaxValue, 0UL];
        var gathered = words.Select(w => BinaryTraceReader.Gather(w & 0x7F7F7F7F7F7F7F7FUL)).ToList();
        Assert.Equal(words.Select(ByteByByte), gathered);
        if (System.Runtime.Intrinsics.X86.Bmi2.X64.IsSupported)
        {
            Assert.Equal(words.Select(w => System.Runtime.Intrinsics.X86.Bmi2.X64.ParallelBitExtract(w, 0x7F7F7F7F7F7F7F7FUL)), gathered);
        }
    }

    // As a varint is read one byte at a time: each byte's low seven bits, shifted by seven more than the byte before.
    private static ulong ByteByByte(ulong word)
    {
        var bytes = BitConverter.GetBytes(word);
        ulong v = 0;
        var shift = 0;
        foreach (var b in BitConverter.IsLittleEndian ? bytes : [.. bytes.Reverse()])
        {
            v |= (ulong)(b & 0x7F) << shift;
            shift += 7;
        }

        return v;
    }
}
