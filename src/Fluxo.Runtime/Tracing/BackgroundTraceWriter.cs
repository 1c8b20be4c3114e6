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

    /// <summary>Writes <paramref name="request"/>, whose arrays then go back to the pool.</summary>
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
    /// </summary>
    private sealed class ChunkPipe : Stream
    {
        private const int Buffers = 8;
        private const int BufferSize = 1 << 16;

        // Collections of a class, not of a tuple: code over a struct is compiled afresh in every process.
        private readonly BlockingCollection<Chunk> _chunks = new(boundedCapacity: Buffers);
        private readonly BlockingCollection<Chunk> _free = new(boundedCapacity: Buffers);
        private readonly Stream _file;
        private readonly Thread _thread;
        private Exception? _failure;

        public ChunkPipe(Stream file)
        {
            _file = file;
            for (var i = 0; i < Buffers; i++)
            {
                _free.Add(new Chunk());
            }

            _thread = new Thread(Drain) { IsBackground = true, Name = "fluxo-trace-writer" };
            _thread.Start();
        }

        private void Drain()
        {
            foreach (var chunk in _chunks.GetConsumingEnumerable())
            {
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
                finally
                {
                    _free.Add(chunk);
                }
            }
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            while (!buffer.IsEmpty)
            {
                var chunk = _free.Take();
                chunk.Length = Math.Min(chunk.Buffer.Length, buffer.Length);
                buffer[..chunk.Length].CopyTo(chunk.Buffer);
                _chunks.Add(chunk);
                buffer = buffer[chunk.Length..];
            }
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
                _free.Dispose();
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
