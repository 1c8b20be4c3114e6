using System.Runtime.CompilerServices;
using Fluxo.Trace;
using Microsoft.Win32.SafeHandles;

namespace Fluxo.Runtime.Tracing;

/// <summary>
/// A thread-safe trace writer for a run: each request is encoded as it is recorded, into one buffer that the recording
/// thread writes to the file whenever it fills. Disposing writes the end marker and the checksum and closes the file.
/// </summary>
public sealed class RunTraceWriter : IDisposable
{
    private readonly TraceWriter _writer;
    private readonly object _gate = new();
    private bool _disposed;

    private RunTraceWriter(TraceWriter writer) => _writer = writer;

    /// <summary>A trace at <paramref name="path"/>: binary (the default, whatever the name) unless <paramref name="binary"/> is false.</summary>
    public static RunTraceWriter Open(string path, TraceHeader header, bool binary = true)
    {
        var file = File.OpenHandle(path, FileMode.Create, FileAccess.Write, FileShare.Read);
        return new RunTraceWriter(TraceWriter.Create(new FileSink(file), header, binary, FileSink.BufferSize));
    }

    /// <summary>How many requests have been written so far.</summary>
    public long Written
    {
        get
        {
            lock (_gate)
            {
                return _writer.RequestCount;
            }
        }
    }

    /// <summary>Writes <paramref name="request"/>, whose arrays then go back to the pool.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Record(RecordedTrace request)
    {
        lock (_gate)
        {
            request.WriteTo(_writer);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _writer.Dispose();
        }
    }

    /// <summary>
    /// The file, written at explicit offsets by the thread whose request filled the encoder's buffer, without a file
    /// stream's layers in between. A thread of its own cost more than it saved: handing the buffers to it (a ring of
    /// three, each filled on one core and written from the other) cost 0.2 us of CPU a request more than these writes, a
    /// quarter of tracing's cost, where the write itself is a copy into the page cache that seldom waits (bench README,
    /// session 22). The buffer is 128 KB: small enough to stay in the core's cache from one fill to the next, and above
    /// the 85,000 bytes from which an array lives in the large object heap (buffers of 80 KB or 64 KB, in the young
    /// generation, cost twice as much as 96 KB or 128 KB ones, for reasons not found). A failed write is kept and
    /// reported when the trace is closed; nothing is written after it.
    /// </summary>
    private sealed class FileSink(SafeFileHandle file) : Stream
    {
        public const int BufferSize = 1 << 17;

        private long _offset;
        private IOException? _failure;

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (_failure is not null)
            {
                return;
            }

            try
            {
                RandomAccess.Write(file, buffer, _offset);
                _offset += buffer.Length;
            }
            catch (IOException e)
            {
                _failure = e;
            }
        }

        public override void Flush()
        {
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing && !file.IsClosed)
            {
                file.Dispose();
                if (_failure is not null)
                {
                    throw new IOException("writing the trace failed: " + _failure.Message, _failure);
                }
            }

            base.Dispose(disposing);
        }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
