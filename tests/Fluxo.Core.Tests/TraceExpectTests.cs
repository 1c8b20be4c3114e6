using Fluxo.Diagnostics;
using Fluxo.Trace;

namespace Fluxo.Core.Tests;

/// <summary>
/// Issue 14: a sink sizes its arrays once from the count a binary trace's end record holds, read from the file's
/// last bytes before the requests stream; a tail that is not an end record gives the estimate from the file's length.
/// </summary>
public sealed class TraceExpectTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fluxo-expect-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private sealed class Recorder : ITraceSink
    {
        public List<(long Requests, bool Exact)> Expected { get; } = [];

        public bool Begin(TraceHeader header) => true;

        public void Expect(long requests, bool exact) => Expected.Add((requests, exact));

        public bool Request(in RequestHead head, ReadOnlySpan<NodeEvent> nodes, ReadOnlySpan<EdgeEvent> edges) => true;
    }

    private string Write(int requests)
    {
        var module = TraceOrderTests.Module();
        var path = Path.Combine(_dir, $"t{requests}.bin");
        var header = new TraceHeader(TraceHeader.CurrentFormat, "S", [new TraceGraph(0, module.Graphs[0].Name, module.Graphs[0].Hash, 3)], "virtual");
        using var w = TraceWriter.Create(path, header, binary: true);
        for (var i = 1; i <= requests; i++)
        {
            // Later requests carry bigger values, so an estimate from the first requests' bytes is off.
            w.Write(new TraceRequest(i, 0, 0, i * 1.5, 2.25,
                [new NodeEvent(0, 0, 0, NodeStatus.Ran), new NodeEvent(1, 0.125, 2, NodeStatus.Ran), new NodeEvent(2, 2.125, 0, NodeStatus.Ran)],
                [new EdgeEvent(0, 1, (ulong)i, i < 5000 ? 3 : 300_000), new EdgeEvent(1, 2, 43, i)]));
        }

        return path;
    }

    [Theory]
    [InlineData(4096)]
    [InlineData(20_000)]
    [InlineData(200_003)]
    public void A_binary_trace_tells_its_sink_its_exact_request_count_from_the_end_record(int requests)
    {
        var path = Write(requests);
        var sink = new Recorder();
        var diags = new DiagnosticBag();
        Assert.True(TraceFile.Scan(path, diags, sink), string.Join("\n", diags.Items));
        Assert.Equal([(requests, true)], sink.Expected);
    }

    [Fact]
    public void A_tail_that_is_not_an_end_record_gives_an_estimate()
    {
        var path = Write(20_000);
        var bytes = File.ReadAllBytes(path);

        // The count's last byte with its continuation bit set: the tail no longer parses, and the end record is refused later.
        bytes[^9] |= 0x80;
        File.WriteAllBytes(path, bytes);
        var sink = new Recorder();
        TraceFile.Scan(path, new DiagnosticBag(), sink);
        var (count, exact) = Assert.Single(sink.Expected);
        Assert.False(exact);
        Assert.InRange(count, 4096, 1_000_000);
    }
}
