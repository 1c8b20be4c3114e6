using System.Collections.Concurrent;

namespace Fluxo.Runtime.Queues;

/// <summary>The embedded default: a FIFO in this process.</summary>
public sealed class InProcessQueue : IMessageQueue
{
    private readonly ConcurrentQueue<QueuedCall> _calls = new();

    public bool Simulated => true;

    public int Count => _calls.Count;

    public ValueTask SendAsync(QueuedCall call, CancellationToken ct)
    {
        _calls.Enqueue(call);
        return default;
    }

    public ValueTask<IReadOnlyList<QueuedCall>> ReceiveAsync(int max, CancellationToken ct)
    {
        var list = new List<QueuedCall>();
        while (list.Count < max && _calls.TryDequeue(out var c))
        {
            list.Add(c);
        }

        return new(list);
    }
}
