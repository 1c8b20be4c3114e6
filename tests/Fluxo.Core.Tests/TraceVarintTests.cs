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
}
