using System.Collections.Concurrent;
using Fluxo.Trace;

namespace Fluxo.Runtime.Tracing;

/// <summary>
/// Hands finished requests to a <see cref="TraceWriter"/> on its own thread, in batches, so encoding
/// and disk writes overlap with execution. Thread-safe; disposing waits for every request to be written.
/// </summary>
public sealed class BackgroundTraceWriter : IDisposable
{
    private const int BatchSize = 512;
    private readonly TraceWriter _writer;
    private readonly BlockingCollection<List<TraceRequest>> _batches = new(boundedCapacity: 64);
    private readonly Thread _thread;
    private readonly object _gate = new();
    private List<TraceRequest> _current = new(BatchSize);
    private Exception? _failure;
    private bool _disposed;

    public BackgroundTraceWriter(TraceWriter writer)
    {
        _writer = writer;
        _thread = new Thread(Drain) { IsBackground = true, Name = "fluxo-trace-writer" };
        _thread.Start();
    }

    public long Written => _writer.RequestCount;

    public void Record(TraceRequest request)
    {
        List<TraceRequest>? full = null;
        lock (_gate)
        {
            _current.Add(request);
            if (_current.Count >= BatchSize)
            {
                full = _current;
                _current = new List<TraceRequest>(BatchSize);
            }
        }

        if (full is not null)
        {
            _batches.Add(full);
        }
    }

    private void Drain()
    {
        try
        {
            foreach (var batch in _batches.GetConsumingEnumerable())
            {
                foreach (var r in batch)
                {
                    _writer.Write(r);
                }
            }
        }
        catch (IOException e)
        {
            _failure = e;
            foreach (var _ in _batches.GetConsumingEnumerable())
            {
            }
        }
    }

    /// <summary>Writes what is left, the end marker, and closes the file; rethrows a write failure.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        lock (_gate)
        {
            if (_current.Count > 0)
            {
                _batches.Add(_current);
                _current = [];
            }
        }

        _batches.CompleteAdding();
        _thread.Join();
        _writer.Dispose();
        _batches.Dispose();
        if (_failure is not null)
        {
            throw new IOException("writing the trace failed: " + _failure.Message, _failure);
        }
    }
}
