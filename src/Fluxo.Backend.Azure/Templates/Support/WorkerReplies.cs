using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Core.Pipeline;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Fluxo.Support;

/// <summary>A worker's notice that a request is journaled done: its outcome inline when it fits a queue message, else only the id.</summary>
public sealed record WorkerReply(string Id, string Handler, bool Inline, string? ResultJson, string? Error);

/// <summary>
/// How a front end waits for worker results without reading storage per waiting request. Each front-end instance owns
/// one reply queue (<c>{prefix}-replies-{instance}</c>); a queued call names it, the worker sends the request's outcome
/// there once the journal says done, and one loop here receives replies in batches and completes the waiting requests.
/// The loop runs only while something waits, and its receives follow time, not the number of waiting requests. The
/// journal stays the truth: a reply is a notice, so a missing one costs one journal read at the wait's deadline, and a
/// worker that cannot send one leaves its message to be replayed (which sends it again).
/// </summary>
public sealed class WorkerReplies(QueueServiceClient service, ServiceModel model, ILogger<WorkerReplies> logger) : BackgroundService
{
    /// <summary>A queue message is at most 64 KiB once base64-encoded; a larger outcome is read from the journal.</summary>
    private const int InlineBytes = 45_000;
    private const int BatchSize = 32;
    private const string AliveKey = "alive";
    private static readonly TimeSpan ReplyLifetime = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan MinIdle = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan MaxIdle = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan DrainTime = TimeSpan.FromSeconds(10);

    /// <summary>How often an instance stamps its queue as in use, and how stale a stamp must be before another instance deletes that queue.</summary>
    private static readonly TimeSpan StampEvery = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan Abandoned = TimeSpan.FromHours(1);

    private readonly Dictionary<(string Handler, string Id), Waiter> _waiting = [];

    /// <summary>Calls this instance queued and has no reply for yet, with when: under the same lock as <see cref="_waiting"/>.</summary>
    private readonly Dictionary<(string Handler, string Id), long> _queued = [];
    private long _prunedAt = Stopwatch.GetTimestamp();
    private readonly SemaphoreSlim _someoneWaits = new(0, 1);
    private readonly SemaphoreSlim _creating = new(1, 1);
    private readonly string _prefix = model.Prefix + "-replies-";
    private QueueClient? _queue;
    private long _stampedAt;

    /// <summary>This instance's reply queue: what a queued call names as its reply-to.</summary>
    public string Address { get; } = model.Prefix + "-replies-" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>
    /// Registers interest in a request's reply before its call is queued (so a fast reply is never missed), creating
    /// this instance's reply queue on first use. Dispose when done waiting.
    /// </summary>
    public async Task<Expected> ExpectAsync(string handler, string id, CancellationToken ct)
    {
        await EnsureCreatedAsync(force: false, ct);
        Waiter waiter;
        lock (_waiting)
        {
            // A wait that failed with storage is over; a request retried after that waits afresh.
            if (!_waiting.TryGetValue((handler, id), out waiter!) || waiter.Reply.Task.IsFaulted)
            {
                waiter = new Waiter();
                _waiting[(handler, id)] = waiter;
            }

            waiter.Count++;
        }

        if (_someoneWaits.CurrentCount == 0)
        {
            try
            {
                _someoneWaits.Release();
            }
            catch (SemaphoreFullException)
            {
            }
        }

        return new Expected(this, (handler, id), waiter);
    }

    /// <summary>
    /// Whether to queue the call of a request: not when this instance queued it less than <paramref name="requeueAfter"/>
    /// ago and no reply came, since a copy of a call still waiting in the queue only adds work to a worker that is behind
    /// (clients retry exactly then). A storage reset, which loses queued calls, forgets them all.
    /// </summary>
    public bool ShouldQueue(string handler, string id, TimeSpan requeueAfter)
    {
        lock (_waiting)
        {
            return !_queued.TryGetValue((handler, id), out var at) || Stopwatch.GetElapsedTime(at) >= requeueAfter;
        }
    }

    /// <summary>Notes that the call of a request was queued (see <see cref="ShouldQueue"/>).</summary>
    public void Queued(string handler, string id)
    {
        lock (_waiting)
        {
            _queued[(handler, id)] = Stopwatch.GetTimestamp();
        }
    }

    /// <summary>Creates the reply queue again after a storage reset, if this instance has one (the worker never does).</summary>
    public Task EnsureCreatedAsync(CancellationToken ct)
    {
        lock (_waiting)
        {
            _queued.Clear();
        }

        return _queue is null ? Task.CompletedTask : EnsureCreatedAsync(force: true, ct);
    }

    /// <summary>
    /// The worker's side: tells the front end that sent <paramref name="call"/> its outcome. A queue that is gone (its
    /// front end stopped) is not an error; storage that fails is, so the message stays and its replay replies again.
    /// </summary>
    public async Task SendAsync(QueuedCall call, JournalEntry entry, CancellationToken ct)
    {
        // Only a front end's reply queue: a call naming any other queue was not written by this service.
        if (call.ReplyTo is not { } to || !to.StartsWith(_prefix, StringComparison.Ordinal) || to.Length != Address.Length)
        {
            return;
        }

        var text = JsonSerializer.Serialize(new WorkerReply(call.Id, call.Handler, true, entry.ResultJson, entry.Error));
        if (Encoding.UTF8.GetByteCount(text) > InlineBytes)
        {
            text = JsonSerializer.Serialize(new WorkerReply(call.Id, call.Handler, false, null, null));
        }

        try
        {
            // Not this process's queue: a 404 must not make StorageWatch re-create the worker's own resources.
            using var scope = HttpPipeline.CreateHttpMessagePropertiesScope(new Dictionary<string, object?> { [StorageWatch.ForeignResource] = true });
            await service.GetQueueClient(to).SendMessageAsync(text, visibilityTimeout: null, timeToLive: ReplyLifetime, ct);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            logger.LogDebug("no reply queue {Queue} for request {Id}: its front end is gone", to, call.Id);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var idle = MinIdle;
        while (!stoppingToken.IsCancellationRequested)
        {
            if (_queue is not { } queue || IsIdle)
            {
                await _someoneWaits.WaitAsync(stoppingToken);
                continue;
            }

            QueueMessage[] messages;
            try
            {
                await KeepAliveAsync(queue, stoppingToken);
                messages = (await queue.ReceiveMessagesAsync(BatchSize, TimeSpan.FromSeconds(30), stoppingToken)).Value;
            }
            // After the client's retries: every waiting request answers 503 with its id, as a journal read would have.
            catch (Exception e) when (!stoppingToken.IsCancellationRequested && DependencyHealth.IsStorageFault(e))
            {
                FailAll(e);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
                continue;
            }

            if (messages.Length == 0)
            {
                await Task.Delay(idle, stoppingToken);
                idle = TimeSpan.FromTicks(Math.Min(idle.Ticks * 2, MaxIdle.Ticks));
                continue;
            }

            idle = MinIdle;
            foreach (var m in messages)
            {
                Complete(m);
            }

            // A reply that could not be deleted comes back after 30 s and completes nothing; it expires after ReplyLifetime.
            await Task.WhenAll(messages.Select(async m =>
            {
                try
                {
                    await queue.DeleteMessageAsync(m.MessageId, m.PopReceipt, stoppingToken);
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested && DependencyHealth.IsStorageFault(e))
                {
                }
            }));
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // Stopped before the web server drains its requests: let the ones waiting have their replies first.
        var draining = Stopwatch.StartNew();
        while (!IsIdle && draining.Elapsed < DrainTime && !cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(50, CancellationToken.None);
        }

        await base.StopAsync(cancellationToken);
        if (_queue is { } queue)
        {
            try
            {
                await queue.DeleteIfExistsAsync(cancellationToken);
            }
            catch (Exception e) when (DependencyHealth.IsStorageFault(e))
            {
                logger.LogDebug("reply queue {Queue} not deleted: {Reason}", Address, DependencyHealth.Reason(e));
            }
        }
    }

    private bool IsIdle
    {
        get
        {
            lock (_waiting)
            {
                return _waiting.Count == 0;
            }
        }
    }

    private async Task EnsureCreatedAsync(bool force, CancellationToken ct)
    {
        if (_queue is not null && !force)
        {
            return;
        }

        await _creating.WaitAsync(ct);
        try
        {
            if (_queue is not null && !force)
            {
                return;
            }

            var queue = service.GetQueueClient(Address);
            await queue.CreateIfNotExistsAsync(Stamp(), ct);
            Interlocked.Exchange(ref _stampedAt, Stopwatch.GetTimestamp());
            _queue = queue;
        }
        finally
        {
            _creating.Release();
        }
    }

    /// <summary>Stamps this instance's queue as in use, and deletes the reply queues of instances that stopped stamping theirs (they crashed).</summary>
    private async Task KeepAliveAsync(QueueClient queue, CancellationToken ct)
    {
        if (Stopwatch.GetElapsedTime(Interlocked.Read(ref _stampedAt)) < StampEvery)
        {
            return;
        }

        Interlocked.Exchange(ref _stampedAt, Stopwatch.GetTimestamp());
        await queue.SetMetadataAsync(Stamp(), ct);
        await foreach (var q in service.GetQueuesAsync(QueueTraits.Metadata, _prefix, ct))
        {
            if (q.Name != Address && q.Name.Length == Address.Length && q.Metadata.TryGetValue(AliveKey, out var alive)
                && long.TryParse(alive, out var seconds) && DateTimeOffset.UtcNow - DateTimeOffset.FromUnixTimeSeconds(seconds) > Abandoned)
            {
                logger.LogInformation("deleting reply queue {Queue}: unused since {Alive:u}", q.Name, DateTimeOffset.FromUnixTimeSeconds(seconds));
                await service.DeleteQueueAsync(q.Name, ct);
            }
        }
    }

    private static Dictionary<string, string> Stamp() =>
        new() { [AliveKey] = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture) };

    private void Complete(QueueMessage message)
    {
        WorkerReply? reply;
        try
        {
            reply = JsonSerializer.Deserialize<WorkerReply>(message.Body.ToString());
        }
        catch (JsonException)
        {
            reply = null;
        }

        if (reply is null)
        {
            logger.LogWarning("reply {Id} is not a worker reply; dropped", message.MessageId);
            return;
        }

        lock (_waiting)
        {
            _queued.Remove((reply.Handler, reply.Id));
            if (_waiting.TryGetValue((reply.Handler, reply.Id), out var waiter))
            {
                waiter.Reply.TrySetResult(reply);
            }

            // Calls whose reply never came (lost with a reset storage, or answered from the journal meanwhile) are dropped
            // once a reply could no longer come, so the map holds at most ReplyLifetime of traffic.
            if (Stopwatch.GetElapsedTime(_prunedAt) > TimeSpan.FromMinutes(1))
            {
                _prunedAt = Stopwatch.GetTimestamp();
                foreach (var old in _queued.Where(q => Stopwatch.GetElapsedTime(q.Value) > ReplyLifetime).Select(q => q.Key).ToList())
                {
                    _queued.Remove(old);
                }
            }
        }
    }

    private void FailAll(Exception e)
    {
        lock (_waiting)
        {
            foreach (var w in _waiting.Values)
            {
                w.Reply.TrySetException(e);
            }
        }
    }

    private void Release((string, string) key, Waiter waiter)
    {
        lock (_waiting)
        {
            if (--waiter.Count == 0 && _waiting.TryGetValue(key, out var current) && current == waiter)
            {
                _waiting.Remove(key);
            }
        }
    }

    internal sealed class Waiter
    {
        public TaskCompletionSource<WorkerReply> Reply { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Count { get; set; }
    }

    /// <summary>One request's wait for its reply.</summary>
    public sealed class Expected : IDisposable
    {
        private readonly WorkerReplies _owner;
        private readonly (string, string) _key;
        private readonly Waiter _waiter;
        private bool _disposed;

        internal Expected(WorkerReplies owner, (string, string) key, Waiter waiter)
        {
            _owner = owner;
            _key = key;
            _waiter = waiter;
        }

        /// <summary>The reply, or null when none came within <paramref name="timeout"/>; throws the storage fault when replies cannot be received.</summary>
        public async Task<WorkerReply?> WithinAsync(TimeSpan timeout, CancellationToken ct)
        {
            try
            {
                return await _waiter.Reply.Task.WaitAsync(timeout, ct);
            }
            catch (TimeoutException)
            {
                return null;
            }
        }

        public void Dispose()
        {
            if (!_disposed)
            {
                _disposed = true;
                _owner.Release(_key, _waiter);
            }
        }
    }
}
