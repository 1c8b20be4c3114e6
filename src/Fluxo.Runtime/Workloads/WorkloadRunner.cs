using System.Diagnostics;
using Fluxo.Runtime.Engine;
using Fluxo.Runtime.Queues;
using Fluxo.Runtime.Tracing;
using Fluxo.Values;

namespace Fluxo.Runtime.Workloads;

/// <summary>
/// Drives an engine with a workload. Under virtual time requests run one after another in arrival
/// order (each sees the tables and caches earlier arrivals left), so a run is exactly reproducible;
/// under real time sessions run concurrently at their real arrival times. Calls sent with
/// <c>enqueue</c> are run by a worker as requests of their own (not counted in <c>requests</c>).
/// </summary>
public sealed class WorkloadRunner(ServiceEngine engine, Workload workload, RunTraceWriter? trace = null)
{
    private readonly Dictionary<string, LatencyLog> _latencies = new(StringComparer.Ordinal);
    private long _nextId;
    private long _issued;
    private double _lastFinish;
    private ArrivalOrderedTrace? _ordered;

    /// <summary>Called after each request with the number of workload requests done so far.</summary>
    public Action<long>? Progress { get; init; }

    /// <summary>The seed that draws arrivals and inputs; the workload's own unless overridden.</summary>
    public ulong Seed { get; init; } = workload.Seed;

    public Task<RunReport> RunAsync(int requests, CancellationToken ct = default) =>
        engine.Options.Clock == ClockMode.Virtual ? RunVirtualAsync(requests, ct) : RunRealAsync(requests, ct);

    private SessionState NewSession(long n, out SessionPlan plan) => new OpenLoopDriver(workload, Seed).NewSession(n, out plan);

    /// <summary>How many failed requests per handler are kept with their messages, for the run's report.</summary>
    public const int FirstErrorsKept = 3;

    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    private void Record(RequestResult r, double arrival)
    {
        lock (_latencies)
        {
            if (!_latencies.TryGetValue(r.Handler, out var log))
            {
                _latencies[r.Handler] = log = new LatencyLog();
            }

            log.Add(r.LatencyMs, r.Succeeded);
            if (r.Error is not null)
            {
                if (!_errors.TryGetValue(r.Handler, out var first))
                {
                    _errors[r.Handler] = first = [];
                }

                if (first.Count < FirstErrorsKept)
                {
                    first.Add($"request {r.Id}: {r.Error}");
                }
            }

            _lastFinish = Math.Max(_lastFinish, arrival + r.LatencyMs);
        }

        if (r.Recorded is not null && _ordered is null)
        {
            trace?.Record(r.Recorded);
        }
    }

    private Task<RequestResult> Issue(string handler, Value request, long client, double arrival, CancellationToken ct) =>
        Issue(Interlocked.Increment(ref _nextId), handler, request, client, arrival, ct);

    private async Task<RequestResult> Issue(long id, string handler, Value request, long client, double arrival, CancellationToken ct)
    {
        var ordered = _ordered;
        arrival = ordered?.Start(id) ?? arrival;
        RequestResult? r = null;
        try
        {
            r = await engine.RunAsync(handler, request, new RequestInfo(id, client, arrival), ct).ConfigureAwait(false);
        }
        finally
        {
            ordered?.Finish(arrival, id, r?.Recorded);
        }

        Record(r, arrival);
        return r;
    }

    private TimeSpan _cpuAtStart;

    private RunReport Report(double clockSeconds, double wallSeconds) =>
        RunReport.Build(_latencies, clockSeconds, wallSeconds,
            [.. engine.Caches.Select(c => new CacheRow(c.Decision.Handler, string.Join(",", c.Decision.Nodes), c.Decision.Bytes, c.Stats.Hits, c.Stats.Misses, c.Stats.Evictions, c.Stats.Bytes))]) with
        {
            Ahead = engine.Ahead?.Stats,
            CpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - _cpuAtStart).TotalSeconds,
            FirstErrors = _errors.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<string>)[.. kv.Value], StringComparer.Ordinal),
        };

    private abstract record Event;

    private sealed record Spawn : Event;

    private sealed record Step(SessionState Session, SessionPlan Plan, int Index) : Event;

    private sealed record Queued(QueuedCall Call) : Event;

    /// <summary>The next line of a replayed log.</summary>
    private sealed record Replayed(int Index) : Event;

    private async Task<RunReport> RunVirtualAsync(int requests, CancellationToken ct)
    {
        var wall = Stopwatch.StartNew();
        _cpuAtStart = Process.GetCurrentProcess().TotalProcessorTime;
        var events = new PriorityQueue<Event, (double, long)>();
        long seq = 0;
        long sessions = 0;
        var arrivals = new SessionRandom(SeededDraw.Hash(Seed, -1, 0xA1));
        var log = workload.Log;
        events.Enqueue(log.IsEmpty ? new Spawn() : new Replayed(0), (log.IsEmpty ? 0 : log[0].TimeMs, seq++));
        while (events.TryDequeue(out var ev, out var key))
        {
            ct.ThrowIfCancellationRequested();
            var now = key.Item1;
            switch (ev)
            {
                case Spawn when _issued < requests:
                    var session = NewSession(++sessions, out var plan);
                    events.Enqueue(new Step(session, plan, 0), (now, seq++));
                    events.Enqueue(new Spawn(), (now + workload.NextGapMs(arrivals.NextDouble()), seq++));
                    break;
                case Step s when _issued < requests:
                    {
                        var plan2 = s.Plan.Steps[s.Index];
                        var input = plan2.Draw(s.Session);
                        _issued++;
                        var r = await Issue(plan2.Handler, input, s.Session.Client, now, ct).ConfigureAwait(false);
                        Progress?.Invoke(_issued);
                        s.Session.Inputs.Add(input);
                        s.Session.Results.Add(r.Value);
                        if (s.Index + 1 < s.Plan.Steps.Length)
                        {
                            var think = plan2.Think.Sample(s.Session.Random.NextBits());
                            events.Enqueue(s with { Index = s.Index + 1 }, (now + r.LatencyMs + think, seq++));
                        }

                        break;
                    }

                case Replayed l when _issued < requests:
                    {
                        var entry = log[l.Index];
                        _issued++;
                        await Issue(entry.Handler, entry.Input, entry.Client, now, ct).ConfigureAwait(false);
                        Progress?.Invoke(_issued);
                        if (l.Index + 1 < log.Length)
                        {
                            events.Enqueue(new Replayed(l.Index + 1), (log[l.Index + 1].TimeMs, seq++));
                        }

                        break;
                    }

                case Queued q:
                    await Issue(q.Call.Handler, q.Call.Args, q.Call.Client, now, ct).ConfigureAwait(false);
                    break;
            }

            foreach (var call in await engine.Options.Queue.ReceiveAsync(256, ct).ConfigureAwait(false))
            {
                events.Enqueue(new Queued(call), (Math.Max(now, call.SentAtMs), seq++));
            }
        }

        return Report(_lastFinish / 1000.0, wall.Elapsed.TotalSeconds);
    }

    private async Task<RunReport> RunRealAsync(int requests, CancellationToken ct)
    {
        var wall = Stopwatch.StartNew();
        _cpuAtStart = Process.GetCurrentProcess().TotalProcessorTime;

        // Workload requests take ids 1..requests from the driver (seeded ids: newId() and random() draw from them),
        // enqueued calls the ids after those, in the order they are received.
        _nextId = requests;
        _ordered = trace is null ? null : new ArrivalOrderedTrace(trace, wall);
        using var stopWorker = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var worker = Task.Run(() => WorkerAsync(wall, stopWorker.Token), CancellationToken.None);
        var driver = new OpenLoopDriver(workload, Seed) { Progress = Progress };
        await driver.RunAsync(requests, wall, async (id, handler, input, client, arrival, token) => (await Issue(id, handler, input, client, arrival, token).ConfigureAwait(false)).Value, ct).ConfigureAwait(false);
        await DrainQueueAsync(wall, ct).ConfigureAwait(false);
        await stopWorker.CancelAsync().ConfigureAwait(false);
        try
        {
            await worker.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        return Report(wall.Elapsed.TotalSeconds, wall.Elapsed.TotalSeconds);
    }

    private async Task WorkerAsync(Stopwatch wall, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            if (!await DrainQueueAsync(wall, ct).ConfigureAwait(false))
            {
                await Task.Delay(10, ct).ConfigureAwait(false);
            }
        }
    }

    private async Task<bool> DrainQueueAsync(Stopwatch wall, CancellationToken ct)
    {
        var any = false;
        while (await engine.Options.Queue.ReceiveAsync(32, ct).ConfigureAwait(false) is { Count: > 0 } calls)
        {
            any = true;
            foreach (var call in calls)
            {
                await Issue(call.Handler, call.Args, call.Client, wall.Elapsed.TotalMilliseconds, ct).ConfigureAwait(false);
            }
        }

        return any;
    }
}
