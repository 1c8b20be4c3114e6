using System.Runtime.CompilerServices;
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
    /// A write-only stream that hands copies of what it is given to a thread that writes them to the file, in a fixed
    /// set of buffers: when the file falls behind, the writer waits for a free buffer instead of allocating more (chunks
    /// that queue up long enough to survive collections made a loaded machine's garbage collector compact them).
    /// The two threads meet under one lock and sleep on it when there is nothing to do: a blocking collection's
    /// semaphore spun and yielded on every chunk (a few percent of a traced run's CPU), and its generic code was
    /// compiled afresh in each process.
    /// </summary>
    private sealed class ChunkPipe : Stream
    {
        private const int Buffers = 8;
        private const int BufferSize = 1 << 16;

        private readonly object _gate = new();

        // A ring of the buffers: _filled of them from _next on hold bytes for the file, the rest are free.
        private readonly Chunk[] _ring = new Chunk[Buffers];
        private int _next;
        private int _filled;
        private bool _closing;
        private readonly Stream _file;
        private readonly Thread _thread;
        private Exception? _failure;

        public ChunkPipe(Stream file)
        {
            _file = file;
            for (var i = 0; i < Buffers; i++)
            {
                _ring[i] = new Chunk();
            }

            _thread = new Thread(Drain) { IsBackground = true, Name = "fluxo-trace-writer" };
            _thread.Start();
        }

        private void Drain()
        {
            while (true)
            {
                Chunk chunk;
                lock (_gate)
                {
                    while (_filled == 0 && !_closing)
                    {
                        Monitor.Wait(_gate);
                    }

                    if (_filled == 0)
                    {
                        return;
                    }

                    chunk = _ring[_next];
                }

                try
                {
                    if (_failure is null)
                    {
                        _file.Write(chunk.Buffer, 0, chunk.Length);
                    }
                }
                catch (IOException e)
                {
                    _failure = e;
                }

                lock (_gate)
                {
                    _next = (_next + 1) % Buffers;
                    _filled--;
                    Monitor.Pulse(_gate);
                }
            }
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            while (!buffer.IsEmpty)
            {
                Chunk chunk;
                lock (_gate)
                {
                    while (_filled == Buffers)
                    {
                        Monitor.Wait(_gate);
                    }

                    chunk = _ring[(_next + _filled) % Buffers];
                }

                // The buffer is this thread's until it is counted as filled: the writer thread takes only filled ones.
                chunk.Length = Math.Min(chunk.Buffer.Length, buffer.Length);
                buffer[..chunk.Length].CopyTo(chunk.Buffer);
                buffer = buffer[chunk.Length..];
                lock (_gate)
                {
                    _filled++;
                    Monitor.Pulse(_gate);
                }
            }
        }

        public override void Flush()
        {
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing && !_closing)
            {
                lock (_gate)
                {
                    _closing = true;
                    Monitor.Pulse(_gate);
                }

                _thread.Join();
                _file.Dispose();
                if (_failure is not null)
                {
                    throw new IOException("writing the trace failed: " + _failure.Message, _failure);
                }
            }

            base.Dispose(disposing);
        }

        private sealed class Chunk
        {
            public byte[] Buffer { get; } = new byte[BufferSize];

            public int Length { get; set; }
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
