using System.Buffers.Text;

namespace Fluxo.Trace;

/// <summary>The text form: one line per request, node event and edge event; formatted by hand into a byte buffer because it is written millions of times.</summary>
internal sealed class TextTraceWriter : TraceWriter
{
    public const string Magic = "fluxo-trace/1 text";

    /// <summary>The last line: the checksum of every byte above it, 16 hex digits.</summary>
    public const string ChecksumPrefix = "checksum ";

    private readonly byte[] _buf = new byte[1 << 16];
    private int _len;

    public TextTraceWriter(Stream output, TraceHeader header)
        : base(output, header)
    {
        Ascii(Magic);
        NewLine();
        Ascii("H ");
        var json = HeaderJson(header);
        Output.Write(_buf, 0, _len);
        _len = 0;
        Output.Write(json);
        NewLine();
    }

    protected override void WriteRequest(in RequestHead r, ReadOnlySpan<NodeEvent> nodes, ReadOnlySpan<EdgeEvent> edges)
    {
        Ascii("R ");
        Long(r.Id);
        Space();
        Long(r.Client);
        Space();
        Long(r.Graph);
        Space();
        Ms(r.ArrivalMs);
        Space();
        Ms(r.LatencyMs);
        Space();
        Long(nodes.Length);
        Space();
        Long(edges.Length);
        NewLine();
        foreach (var n in nodes)
        {
            Ascii("N ");
            Long(n.Node);
            Space();
            Ms(n.StartMs);
            Space();
            Ms(n.SelfMs);
            Space();
            Ascii(StatusText(n.Status));
            NewLine();
        }

        foreach (var e in edges)
        {
            Ascii("E ");
            Long(e.From);
            Space();
            Long(e.To);
            Space();
            Reserve(16);
            Utf8Formatter.TryFormat(e.Hash, _buf.AsSpan(_len), out var w, new System.Buffers.StandardFormat('x', 16));
            _len += w;
            Space();
            Long(e.Bytes);
            NewLine();
        }
    }

    protected override void WriteEnd(long count)
    {
        Ascii("end ");
        Long(count);
        NewLine();
        FlushBuffer();
    }

    protected override void WriteChecksum(ulong checksum)
    {
        Reserve(32);
        Ascii(ChecksumPrefix);
        Utf8Formatter.TryFormat(checksum, _buf.AsSpan(_len), out var n, new System.Buffers.StandardFormat('x', 16));
        _len += n;
        NewLine();
        FlushBuffer();
    }

    protected override void FlushBuffer()
    {
        Output.Write(_buf, 0, _len);
        _len = 0;
    }

    public static string StatusText(NodeStatus s) => s switch
    {
        NodeStatus.Ran => "ran",
        NodeStatus.Skipped => "skipped",
        _ => "served",
    };

    private void Reserve(int n)
    {
        if (_len + n > _buf.Length)
        {
            Output.Write(_buf, 0, _len);
            _len = 0;
        }
    }

    private void Ascii(string s)
    {
        Reserve(s.Length);
        foreach (var c in s)
        {
            _buf[_len++] = (byte)c;
        }
    }

    private void Space()
    {
        Reserve(1);
        _buf[_len++] = (byte)' ';
    }

    private void NewLine()
    {
        Reserve(1);
        _buf[_len++] = (byte)'\n';
    }

    private void Long(long v)
    {
        Reserve(20);
        Utf8Formatter.TryFormat(v, _buf.AsSpan(_len), out var w);
        _len += w;
    }

    // Milliseconds with exactly three decimals, from integer microseconds: exact and cheap.
    private void Ms(double ms)
    {
        var us = ToMicros(ms);
        Long(us / 1000);
        Reserve(4);
        var frac = (int)(us % 1000);
        _buf[_len++] = (byte)'.';
        _buf[_len++] = (byte)('0' + (frac / 100));
        _buf[_len++] = (byte)('0' + (frac / 10 % 10));
        _buf[_len++] = (byte)('0' + (frac % 10));
    }
}
