using Fluxo.Policy;
using Fluxo.Runtime.Ahead;
using Fluxo.Trace;
using Fluxo.Values;

namespace Fluxo.Runtime.Engine;

/// <summary>
/// A request's grouped subgraphs (semantics in BRIEF "Shared semantics"): a cache, a pre-computed part or a
/// speculated part is looked up by the values entering it; when found its members are served, otherwise
/// they run as if there were no group (a cache then stores what its exits produced).
/// </summary>
internal sealed partial class RequestRun
{
    /// <summary>The speculation this request's client had waiting for it, checked at arrival.</summary>
    public PendingSpeculation? Pending { get; set; }

    private ValueTask<Value> DemandViaGroup(int grp, int id)
    {
        Task t;
        lock (this)
        {
            if (_groupDone[grp])
            {
                return new ValueTask<Value>(_values[id]!);
            }

            if (_groupPending[grp] is { } p)
            {
                t = p;
            }
            else
            {
                var vt = RunGroupAsync(grp);
                if (vt.IsCompletedSuccessfully)
                {
                    return new ValueTask<Value>(_values[id]!);
                }

                t = _groupPending[grp] = vt.AsTask();
            }
        }

        return AwaitGroup(t, id);
    }

    private async ValueTask<Value> AwaitGroup(Task t, int id)
    {
        await t.ConfigureAwait(false);
        return _values[id]!;
    }

    private async ValueTask RunGroupAsync(int grp)
    {
        var group = _g.Groups[grp];
        // A cache demands its entering values together; a pre-computed or speculated part one after another.
        var (values, key, t) = await EnteringAsync(group, together: group.Cache is not null).ConfigureAwait(false);
        if (group.Cache is not { } cache)
        {
            var ahead = group.Ahead!;
            var stored = ahead.Precompute is not null
                ? _engine.Ahead?.Stored(ahead.Index)
                : Pending is { } p && ahead.Serves(p.Index) && p.Key == key ? p.Use() : null;
            if (stored is null || stored.Length != group.Exits.Length)
            {
                await RunExitsAsync(grp, t, floor: null).ConfigureAwait(false);
                return;
            }

            Serve(grp, values, t, _virtual ? t + _engine.Options.Costs.LookupMs : Math.Max(t, Elapsed), stored);
            return;
        }

        var entry = await cache.GetAsync(key, Info.ArrivalMs, _ct).ConfigureAwait(false);
        var afterLookup = _virtual ? t + _engine.Options.Costs.LookupMs : Math.Max(t, Elapsed);
        if (entry is not null && entry.Length == group.Exits.Length)
        {
            Serve(grp, values, t, afterLookup, entry);
            return;
        }

        var (outputs, done) = await RunExitsAsync(grp, afterLookup, floor: afterLookup).ConfigureAwait(false);
        long bytes = 16;
        foreach (var o in outputs)
        {
            bytes += o.ByteSize;
        }

        await cache.SetAsync(key, outputs, bytes, Info.ArrivalMs, _ct).ConfigureAwait(false);
        var ready = _virtual ? done + _engine.Options.Costs.InsertMs : Math.Max(done, Elapsed);
        lock (this)
        {
            foreach (var x in group.Exits)
            {
                _exitReady[x] = ready;
            }

            _groupDone[grp] = true;
        }
    }

    /// <summary>The values entering <paramref name="group"/>, their combined key, and when the last of them arrived.</summary>
    private async ValueTask<(Value[] Values, ulong Key, double Ready)> EnteringAsync(CacheGroup group, bool together)
    {
        var entering = group.Entering;
        var values = new Value[entering.Length];
        var tasks = new ValueTask<Value>[entering.Length];
        for (var k = 0; together && k < entering.Length; k++)
        {
            tasks[k] = DemandNode(entering[k].From, entering[k].To);
        }

        var hashes = new ulong[entering.Length];
        var t = 0.0;
        for (var k = 0; k < entering.Length; k++)
        {
            var raw = await (together ? tasks[k] : DemandNode(entering[k].From, entering[k].To)).ConfigureAwait(false);
            var field = entering[k].Field;
            values[k] = field is null ? raw : raw.GetField(field) ?? Value.Null;
            hashes[k] = values[k].StableHash;
            lock (this)
            {
                t = Math.Max(t, ReadyFor(entering[k].From, entering[k].To));
            }
        }

        return (values, CacheKey.Combine(hashes), t);
    }

    /// <summary>Serves the group's members from <paramref name="stored"/> (one value per exit), ready at <paramref name="ready"/>.</summary>
    private void Serve(int grp, Value[] entering, double start, double ready, Value[] stored)
    {
        var group = _g.Groups[grp];
        lock (this)
        {
            foreach (var m in group.Members)
            {
                _values[m] ??= Value.Null;
                _start[m] = start;
                _self[m] = 0;
                _ready[m] = ready;
                _status[m] = NodeStatus.Served;
                _done[m] = true;
            }

            for (var x = 0; x < group.Exits.Length; x++)
            {
                _values[group.Exits[x]] = stored[x];
                _exitReady[group.Exits[x]] = ready;
            }

            _groupDone[grp] = true;
        }

        // The entering edges of a served group are recorded too: a replay keys the cache on them.
        if (_trace is not null)
        {
            for (var k = 0; k < entering.Length; k++)
            {
                var e = group.Entering[k];
                lock (this)
                {
                    _trace.Edge(ReadyFor(e.From, e.To), e.From, e.To, entering[k]);
                }
            }
        }
    }

    /// <summary>
    /// Runs the group's members for its exits, none starting before <paramref name="floor"/> (a cache's
    /// lookup); a group that stores nothing passes its exits on as they are ready.
    /// </summary>
    private async ValueTask<(Value[] Outputs, double Done)> RunExitsAsync(int grp, double lookedUp, double? floor)
    {
        var group = _g.Groups[grp];
        if (floor is { } f)
        {
            foreach (var m in group.Members)
            {
                _floor[m] = f;
            }
        }

        var outputs = new Value[group.Exits.Length];
        var done = lookedUp;
        for (var x = 0; x < outputs.Length; x++)
        {
            outputs[x] = await DemandDirect(group.Exits[x]).ConfigureAwait(false);
            lock (this)
            {
                done = Math.Max(done, _ready[group.Exits[x]]);
                if (floor is null)
                {
                    _exitReady[group.Exits[x]] = _ready[group.Exits[x]];
                }
            }
        }

        if (floor is null)
        {
            lock (this)
            {
                _groupDone[grp] = true;
            }
        }

        return (outputs, done);
    }

    /// <summary>The tables the read nodes among <paramref name="members"/> read in this run, with the partition when the key is an input as is.</summary>
    public (string Table, string? Partition)[] TableReads(int[] members)
    {
        var reads = new List<(string, string?)>();
        lock (this)
        {
            foreach (var m in members)
            {
                var node = _g.Graph[m];
                if (!_done[m] || !AheadRules.IsTableRead(node) || AheadRules.TableAccess(node) is not var (table, pk))
                {
                    continue;
                }

                var input = pk is { } i ? node.Inputs[i] : null;
                var raw = input is null ? null : _values[input.From];
                var key = raw is null ? null : input!.Field is null ? raw : raw.GetField(input.Field) ?? Value.Null;
                reads.Add((table, key?.ToString()));
            }
        }

        return [.. reads];
    }

    /// <summary>Runs only <paramref name="exits"/> (and what they pull): a speculation or a refresh, off any request's path.</summary>
    public async Task<(Value[] Values, double DoneMs, double WorkMs)> RunPartAsync(int[] exits)
    {
        var outputs = new Value[exits.Length];
        for (var x = 0; x < exits.Length; x++)
        {
            outputs[x] = await DemandDirect(exits[x]).ConfigureAwait(false);
        }

        lock (this)
        {
            var done = exits.Length == 0 ? 0 : exits.Max(x => _ready[x]);
            var work = 0.0;
            for (var i = 0; i < _done.Length; i++)
            {
                if (_done[i] && _status[i] == NodeStatus.Ran)
                {
                    work += _self[i];
                }
            }

            return (outputs, done, work);
        }
    }
}
