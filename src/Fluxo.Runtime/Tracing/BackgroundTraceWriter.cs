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
        var file = File.OpenHandle(path, FileMode.Create, FileAccess.Write, FileShare.Read);
        return new BackgroundTraceWriter(TraceWriter.Create(new ChunkPipe(file), header, binary, ChunkPipe.BufferSize));
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
    /// A write-only stream that hands whole buffers to a thread that writes them to the file: the trace writer encodes
    /// into a buffer, gives it here and takes a free one back (<see cref="IBufferTaker"/>), so the bytes are never copied
    /// on the way (the header, written as a stream, is copied). The buffers are a fixed set: when the file falls behind,
    /// the writer waits for a free one instead of allocating more (chunks that queued up long enough to survive
    /// collections made a loaded machine's garbage collector compact them). Two in the ring and the one being filled keep
    /// the encoder and the file busy at once; each is memory touched for the first time, which costs on this kind of
    /// machine, so there are no more than that.
    /// The two threads meet under one lock and sleep on it when there is nothing to do: a blocking collection's
    /// semaphore spun and yielded on every chunk (a few percent of a traced run's CPU), and its generic code was
    /// compiled afresh in each process. Buffers are large so that a run of 100k requests (14 MB) makes fewer than
    /// thirty hand-offs: the methods on that path (this stream's, the checksum's appends, the file writes) then run too
    /// few times for tiered compilation to compile them again, a fixed cost a short run paid. The file is written by
    /// handle at explicit offsets, without a file stream's layers of buffering in between.
    /// </summary>
    private sealed class ChunkPipe : Stream, IBufferTaker
    {
        private const int Buffers = 2;

        public const int BufferSize = 1 << 19;

        private readonly object _gate = new();

        // A ring of the buffers: _filled of them from _next on hold bytes for the file, the rest are free.
        private readonly byte[][] _ring = new byte[Buffers][];
        private readonly int[] _lengths = new int[Buffers];
        private int _next;
        private int _filled;
        private bool _closing;
        private readonly Microsoft.Win32.SafeHandles.SafeFileHandle _file;
        private long _offset;
        private readonly Thread _thread;
        private Exception? _failure;

        public ChunkPipe(Microsoft.Win32.SafeHandles.SafeFileHandle file)
        {
            _file = file;
            for (var i = 0; i < Buffers; i++)
            {
                _ring[i] = new byte[BufferSize];
            }

            _thread = new Thread(Drain) { IsBackground = true, Name = "fluxo-trace-writer" };
            _thread.Start();
        }

        private void Drain()
        {
            while (true)
            {
                int slot;
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

                    slot = _next;
                }

                try
                {
                    if (_failure is null)
                    {
                        RandomAccess.Write(_file, _ring[slot].AsSpan(0, _lengths[slot]), _offset);
                        _offset += _lengths[slot];
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
                int slot;
                lock (_gate)
                {
                    while (_filled == Buffers)
                    {
                        Monitor.Wait(_gate);
                    }

                    slot = (_next + _filled) % Buffers;
                }

                // The buffer is this thread's until it is counted as filled: the writer thread takes only filled ones.
                var n = Math.Min(BufferSize, buffer.Length);
                buffer[..n].CopyTo(_ring[slot]);
                _lengths[slot] = n;
                buffer = buffer[n..];
                lock (_gate)
                {
                    _filled++;
                    Monitor.Pulse(_gate);
                }
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public byte[] Take(byte[] filled, int count)
        {
            // The ring's buffers also take the streamed bytes (the header), BufferSize at a time.
            ArgumentOutOfRangeException.ThrowIfLessThan(filled.Length, BufferSize);
            lock (_gate)
            {
                while (_filled == Buffers)
                {
                    Monitor.Wait(_gate);
                }

                var slot = (_next + _filled) % Buffers;
                var free = _ring[slot];
                _ring[slot] = filled;
                _lengths[slot] = count;
                _filled++;
                Monitor.Pulse(_gate);
                return free;
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
