using Fluxo.Values;

namespace Fluxo.Runtime.Queues;

/// <summary>A queued call of a handler: its arguments, the client it came from and when it was sent (ms from the run's start).</summary>
public sealed record QueuedCall(string Handler, Value Args, long Client, double SentAtMs);

/// <summary>Where <c>enqueue</c> sends calls; a worker receives them and runs the target handler.</summary>
public interface IMessageQueue
{
    bool Simulated { get; }

    ValueTask SendAsync(QueuedCall call, CancellationToken ct);

    /// <summary>Up to <paramref name="max"/> calls, removed from the queue; empty when none is waiting.</summary>
    ValueTask<IReadOnlyList<QueuedCall>> ReceiveAsync(int max, CancellationToken ct);
}
