using System.Buffers;
using System.Collections.Concurrent;
using Fluxo.Trace;

namespace Fluxo.Runtime.Tracing;

/// <summary>
/// A thread-safe trace writer for a run: each request is encoded at once on the calling thread (so
/// its events die young and cost the garbage collector nothing), and the encoded bytes go to disk
/// on a thread of their own. Disposing writes the end marker and waits for the file to be complete.
/// </summary>
public sealed class BackgroundTraceWriter : IDisposable
{
    private readonly TraceWriter _writer;
    private readonly object _gate = new();
    private bool _disposed;

    private BackgroundTraceWriter(TraceWriter writer) => _writer = writer;

    /// <summary>A trace at <paramref name="path"/>: binary (the default, whatever the name) unless <paramref name="binary"/> is false.</summary>
    public static BackgroundTraceWriter Open(string path, TraceHeader header, bool binary = true)
    {
        var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16);
        return new BackgroundTraceWriter(TraceWriter.Create(new ChunkPipe(file), header, binary));
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

    public void Record(TraceRequest request)
    {
        lock (_gate)
        {
            _writer.Write(request);
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

    /// <summary>A write-only stream that hands pooled copies of what it is given to a thread that writes them to the file.</summary>
    private sealed class ChunkPipe : Stream
    {
        private readonly BlockingCollection<(byte[] Buffer, int Length)> _chunks = new(boundedCapacity: 256);
        private readonly Stream _file;
        private readonly Thread _thread;
        private Exception? _failure;

        public ChunkPipe(Stream file)
        {
            _file = file;
            _thread = new Thread(Drain) { IsBackground = true, Name = "fluxo-trace-writer" };
            _thread.Start();
        }

        private void Drain()
        {
            foreach (var (buffer, length) in _chunks.GetConsumingEnumerable())
            {
                try
                {
                    if (_failure is null)
                    {
                        _file.Write(buffer, 0, length);
                    }
                }
                catch (IOException e)
                {
                    _failure = e;
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            var copy = ArrayPool<byte>.Shared.Rent(buffer.Length);
            buffer.CopyTo(copy);
            _chunks.Add((copy, buffer.Length));
        }

        public override void Flush()
        {
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing && !_chunks.IsAddingCompleted)
            {
                _chunks.CompleteAdding();
                _thread.Join();
                _chunks.Dispose();
                _file.Dispose();
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
