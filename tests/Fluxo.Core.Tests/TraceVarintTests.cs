using Fluxo.Diagnostics;
using Fluxo.Trace;

namespace Fluxo.Core.Tests;

/// <summary>
/// The binary form's numbers (LEB128 varints: times in microseconds, sizes, ids) of every length from one to nine bytes,
/// at both ends of its range, read back as written.
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
    public void Numbers_are_written_in_the_shortest_form_byte_for_byte()
    {
        // Reading back cannot tell a padded varint from the shortest one, so the bytes themselves are compared with a
        // plain LEB128 encoding: random numbers of every bit length, as a request's client (the second number of its record).
        var module = TraceOrderTests.Module();
        var header = new TraceHeader(TraceHeader.CurrentFormat, "S", [new TraceGraph(0, module.Graphs[0].Name, module.Graphs[0].Hash, 3)], "virtual");
        var random = new Random(14);
        for (var bits = 0; bits <= 63; bits++)
        {
            var client = bits == 0 ? 0 : (1L << (bits - 1)) | (random.NextInt64() & ((1L << (bits - 1)) - 1));
            using var ms = new MemoryStream();
            using (var w = TraceWriter.Create(ms, header, binary: true))
            {
                w.Write(new TraceRequest(1, client, 0, 0, 0,
                    [new NodeEvent(0, 0, 0, NodeStatus.Ran), new NodeEvent(2, 0, 0, NodeStatus.Ran)], []));
            }

            var bytes = ms.ToArray();
            var json = 0;
            var p = 8;
            for (var shift = 0; ; shift += 7)
            {
                json |= (bytes[p] & 0x7F) << shift;
                if (bytes[p++] < 0x80)
                {
                    break;
                }
            }

            byte[] expected = [(byte)'R', 1, .. Leb128((ulong)client), 0];
            Assert.Equal(expected, bytes.AsSpan(p + json, expected.Length).ToArray());
        }
    }

    private static List<byte> Leb128(ulong v)
    {
        var bytes = new List<byte>();
        while (v >= 0x80)
        {
            bytes.Add((byte)(v | 0x80));
            v >>= 7;
        }

        bytes.Add((byte)v);
        return bytes;
    }
}
