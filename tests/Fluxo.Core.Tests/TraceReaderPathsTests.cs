using System.Text;
using Fluxo.Diagnostics;
using Fluxo.Trace;

namespace Fluxo.Core.Tests;

/// <summary>
/// The binary reader parses a request from local positions when its buffer surely holds it, and field by field with a
/// refill check near the buffer's end. A stream that hands over one byte per read keeps every request on the second
/// path; a memory stream puts nearly all on the first. Both must see the same requests and, for any damaged byte, the
/// same problem at the same offset.
/// </summary>
public sealed class TraceReaderPathsTests
{
    [Fact]
    public void Both_paths_read_every_damaged_copy_of_a_trace_alike()
    {
        var bytes = Trace();
        var (ok, text) = Read(bytes, trickle: false);
        Assert.True(ok, text);
        Assert.Equal((ok, text), Read(bytes, trickle: true));

        var compared = 0;
        var refused = 0;
        // Every byte after the header, replaced by values that end a number, continue one, or are simply off by one.
        for (var at = HeaderEnd(bytes); at < bytes.Length; at++)
        {
            foreach (var value in new[] { 0x00, 0x80, 0xff, bytes[at] ^ 1 })
            {
                var damaged = (byte[])bytes.Clone();
                damaged[at] = (byte)value;
                var fast = Read(damaged, trickle: false);
                Assert.Equal(fast, Read(damaged, trickle: true));
                compared++;
                refused += fast.Ok ? 0 : 1;
            }
        }

        // Most damage is caught (by the parse or by the checksum); the comparison covered both outcomes.
        Assert.True(refused > compared / 2, $"{refused} of {compared} damaged copies refused");
    }

    // Requests with several nodes and edges and numbers of one to five bytes, so that damage lands in every kind of field.
    private static byte[] Trace()
    {
        var module = TraceOrderTests.Module();
        var header = new TraceHeader(TraceHeader.CurrentFormat, "S", [new TraceGraph(0, module.Graphs[0].Name, module.Graphs[0].Hash, 3)], "virtual");
        using var ms = new MemoryStream();
        using (var w = TraceWriter.Create(ms, header, binary: true))
        {
            var random = new Random(21);
            var arrival = 0.0;
            for (var i = 0; i < 24; i++)
            {
                arrival += random.Next(0, 3_000_000) / 1000.0;
                var self = random.Next(0, 1 << (7 * random.Next(1, 4))) / 1000.0;
                w.Write(new TraceRequest(i + 1, random.NextInt64(0, 1L << 35), 0, arrival, self * 3,
                    [new NodeEvent(0, 0, self, NodeStatus.Ran), new NodeEvent(1, self, self, NodeStatus.Ran), new NodeEvent(2, self * 2, self, i % 5 == 0 ? NodeStatus.Skipped : NodeStatus.Ran)],
                    [new EdgeEvent(0, 1, (ulong)random.NextInt64(), random.Next(0, 1 << 20)), new EdgeEvent(1, 2, (ulong)i, random.Next(0, 200))]));
            }
        }

        return ms.ToArray();
    }

    // The magic, the header's length and the header itself: damage there is the JSON parser's business, not the request parser's.
    private static int HeaderEnd(byte[] bytes)
    {
        var at = "FLXTRCB1".Length;
        var length = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = bytes[at++];
            length |= (b & 0x7f) << shift;
            if (b < 0x80)
            {
                return at + length;
            }
        }
    }

    private static (bool Ok, string Text) Read(byte[] bytes, bool trickle)
    {
        var diags = new DiagnosticBag();
        var sink = new Recorder();
        using Stream stream = trickle ? new Trickle(bytes) : new MemoryStream(bytes, writable: false);
        var ok = TraceFile.ScanBinary("t.trace", stream, diags, sink);
        return (ok, sink.Text + string.Join("\n", diags.Items.Select(d => d.Format())));
    }

    private sealed class Recorder : ITraceSink
    {
        private readonly StringBuilder _text = new();

        public string Text => _text.ToString();

        public bool Begin(TraceHeader header) => true;

        public bool Request(in RequestHead head, ReadOnlySpan<NodeEvent> nodes, ReadOnlySpan<EdgeEvent> edges)
        {
            _text.Append(head).Append(':');
            foreach (var n in nodes)
            {
                _text.Append(n).Append(';');
            }

            foreach (var e in edges)
            {
                _text.Append(e).Append(';');
            }

            _text.AppendLine();
            return true;
        }
    }

    // Hands over one byte per read, as a slow pipe may.
    private sealed class Trickle(byte[] bytes) : Stream
    {
        private int _at;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _at; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (count == 0 || _at == bytes.Length)
            {
                return 0;
            }

            buffer[offset] = bytes[_at++];
            return 1;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
