using Fluxo.Ir;
using Fluxo.Policy;
using Fluxo.Runtime.Groups;
using Fluxo.Runtime.Tables;
using Fluxo.Values;

namespace Fluxo.Runtime.Engine;

/// <summary>
/// The work a policy asks to do ahead of requests. Pre-computed parts are computed at the first request and
/// refreshed every <see cref="PrecomputeDecision.RefreshSeconds"/> of the run's clock, their cost recorded and
/// never charged to a request. Speculations start, wait for the client's next request and serve it by
/// <see cref="SpeculationRule"/>; anything not used is counted as wasted work.
/// </summary>
public sealed class AheadWork
{
    private readonly ServiceEngine _engine;
    private readonly PolicyDocument _policy;
    private readonly VersionedTableStore _tables;
    private readonly Value[]?[] _stored;
    private readonly double[] _nextRefresh;
    private readonly Dictionary<long, PendingSpeculation> _pending = [];
    private long _speculations;
    private long _used;
    private long _wasted;
    private double _usedWork;
    private double _wastedWork;
    private long _refreshes;
    private double _refreshWork;
    private long _runs;

    internal AheadWork(ServiceEngine engine, PolicyDocument policy, VersionedTableStore tables)
    {
        _engine = engine;
        _policy = policy;
        _tables = tables;
        _stored = new Value[]?[policy.Precompute.Length];
        _nextRefresh = new double[policy.Precompute.Length];
        _hot = [.. policy.Precompute.Select(p => p.KeyedByRequest ? new HotStore(PrecomputeRule.ParseHotKeys(p.HotKeys)!) : null)];
    }

    // Per precompute decision stored per hot key: its listed keys and, per key stored so far, the values and the request fields to refresh them from.
    private readonly HotStore?[] _hot;

    private sealed record HotStore(HashSet<ulong> Listed)
    {
        public Dictionary<ulong, (Value[] Values, Value Request)> Stored { get; } = [];
    }

    /// <summary>Whether precompute decision <paramref name="index"/> stores the key <paramref name="key"/> (<see cref="PrecomputeRule.IsHotKey"/>).</summary>
    internal bool IsHot(int index, ulong key) => _hot[index] is { } h && PrecomputeRule.IsHotKey(h.Listed, key);

    /// <summary>The stored entry of a hot key, or null before its first demand.</summary>
    internal Value[]? HotEntry(int index, ulong key)
    {
        lock (_pending)
        {
            return _hot[index]!.Stored.TryGetValue(key, out var e) ? e.Values : null;
        }
    }

    /// <summary>Stores a hot key's entry at its first demand, with the request fields its refreshes recompute it from.</summary>
    internal void StoreHot(int index, ulong key, Value[] values, Value request)
    {
        lock (_pending)
        {
            _hot[index]!.Stored.TryAdd(key, (values, request));
        }
    }

    /// <summary>The counters so far; speculations still waiting count as wasted.</summary>
    public AheadStats Stats
    {
        get
        {
            lock (_pending)
            {
                return new AheadStats(_speculations, _used, _wasted + _pending.Count, _usedWork, _wastedWork + _pending.Values.Sum(p => p.WorkMs),
                    _refreshes, _refreshWork);
            }
        }
    }

    internal Value[]? Stored(int index) => _stored[index];

    /// <summary>Before a request: refresh what is due at <paramref name="nowMs"/>, then hand over the client's waiting speculation if it still holds.</summary>
    internal async Task<PendingSpeculation?> BeforeAsync(string handler, RequestInfo info, CancellationToken ct)
    {
        for (var d = 0; d < _stored.Length; d++)
        {
            if (_hot[d] is not null)
            {
                if (info.ArrivalMs >= _nextRefresh[d])
                {
                    await RefreshHotAsync(d, info.ArrivalMs, ct).ConfigureAwait(false);
                }

                continue;
            }

            if (_stored[d] is null || info.ArrivalMs >= _nextRefresh[d])
            {
                await RefreshAsync(d, info.ArrivalMs, ct).ConfigureAwait(false);
            }
        }

        PendingSpeculation? p;
        lock (_pending)
        {
            if (!_pending.Remove(info.Client, out p))
            {
                return null;
            }
        }

        var valid = SpeculationRule.Serves(p.Handler, p.ReadyAtMs, handler, info.ArrivalMs, () => p.Reads.All(r => _tables.UnwrittenSince(r.Table, r.Partition, p.Since)));
        if (!valid)
        {
            Settle(p);
            return null;
        }

        return p;
    }

    /// <summary>After a request: settle the speculation it was given, and start the one its handler predicts.</summary>
    internal async Task AfterAsync(string handler, Value request, Value? result, RequestInfo info, double latencyMs, PendingSpeculation? given, CancellationToken ct)
    {
        if (given is not null)
        {
            Settle(given);
        }

        var d = SpeculationRule.Launched(_policy, handler);
        if (result is null || d < 0)
        {
            return;
        }

        var s = _policy.Speculate[d];
        var guess = SpeculationRule.Guess(s, request, result);
        var g = _engine.Compiled(s.Handler)!;
        var group = g.Groups[g.GroupOf[s.Nodes[0]]];
        var hashes = group.Entering.Select(e => (e.Field is null ? Value.Null : guess.GetField(e.Field) ?? Value.Null).StableHash).ToArray();
        var start = info.ArrivalMs + latencyMs;
        var since = _tables.Clock;
        var run = new RequestRun(_engine, g, guess, new RequestInfo(-info.Id, info.Client, start), false, ct);
        try
        {
            var (values, done, work) = await run.Groups.RunPartAsync(group.Exits).ConfigureAwait(false);
            var reads = run.Groups.TableReads(group.Members);
            lock (_pending)
            {
                _speculations++;
                if (_pending.Remove(info.Client, out var older))
                {
                    SettleLocked(older);
                }

                _pending[info.Client] = new PendingSpeculation(d, s.Handler, CacheKey.Combine(hashes), values, start + done, work, reads, since);
            }
        }
        catch (Exception e) when (e is FlimpRuntimeException or Externs.ExternFailureException or InvalidCastException)
        {
            // A wrong guess can make a part fail (a field of none); that is waste, not an error of any request.
            lock (_pending)
            {
                _speculations++;
                _wasted++;
            }
        }
    }

    private void Settle(PendingSpeculation p)
    {
        lock (_pending)
        {
            SettleLocked(p);
        }
    }

    private void SettleLocked(PendingSpeculation p)
    {
        if (p.Used)
        {
            _used++;
            _usedWork += p.WorkMs;
        }
        else
        {
            _wasted++;
            _wastedWork += p.WorkMs;
        }
    }

    /// <summary>Recomputes every stored entry of hot-key decision <paramref name="d"/> from its request fields, at whole periods as <see cref="RefreshAsync"/>.</summary>
    private async Task RefreshHotAsync(int d, double nowMs, CancellationToken ct)
    {
        var p = _policy.Precompute[d];
        _nextRefresh[d] = PrecomputeRule.NextRefreshMs(nowMs, p.RefreshSeconds);
        var g = _engine.Compiled(p.Handler)!;
        var group = g.Groups[g.GroupOf[p.Nodes[0]]];
        List<KeyValuePair<ulong, (Value[] Values, Value Request)>> entries;
        lock (_pending)
        {
            entries = [.. _hot[d]!.Stored];
        }

        foreach (var (key, (_, request)) in entries)
        {
            var id = long.MinValue / 2 + Interlocked.Increment(ref _runs);
            var run = new RequestRun(_engine, g, request, new RequestInfo(id, 0, nowMs), false, ct);
            var (values, _, work) = await run.Groups.RunPartAsync(group.Exits).ConfigureAwait(false);
            lock (_pending)
            {
                _hot[d]!.Stored[key] = (values, request);
            }

            _refreshes++;
            _refreshWork += work;
        }
    }

    private async Task RefreshAsync(int d, double nowMs, CancellationToken ct)
    {
        var p = _policy.Precompute[d];
        var g = _engine.Compiled(p.Handler)!;
        var group = g.Groups[g.GroupOf[p.Nodes[0]]];
        var id = long.MinValue / 2 + Interlocked.Increment(ref _runs);
        var run = new RequestRun(_engine, g, Value.Record([]), new RequestInfo(id, 0, nowMs), false, ct);
        var (values, _, work) = await run.Groups.RunPartAsync(group.Exits).ConfigureAwait(false);
        _stored[d] = values;
        _nextRefresh[d] = PrecomputeRule.NextRefreshMs(nowMs, p.RefreshSeconds);
        _refreshes++;
        _refreshWork += work;
    }
}

/// <summary>Counters of the work done ahead of requests in one run.</summary>
public sealed record AheadStats(
    long Speculations, long Used, long Wasted, double UsedWorkMs, double WastedWorkMs, long Refreshes, double RefreshWorkMs);
