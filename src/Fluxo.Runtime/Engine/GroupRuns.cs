using Fluxo.Policy;
using Fluxo.Runtime.Groups;
using Fluxo.Trace;
using Fluxo.Values;

namespace Fluxo.Runtime.Engine;

/// <summary>
/// A request's grouped subgraphs (semantics in BRIEF "Shared semantics"): a cache, a pre-computed part or a
/// speculated part is looked up by the values entering it; when found its members are served, otherwise
/// they run as if there were no group (a cache then stores what its exits produced).
/// </summary>
internal sealed class GroupRuns(RequestRun run, PendingSpeculation? pending)
{
    private readonly CompiledGraph _g = run.Graph;
    private readonly NodeStates _s = run.States;
    private readonly bool[] _groupDone = new bool[run.Graph.Groups.Length];
    private readonly Task?[] _groupPending = new Task?[run.Graph.Groups.Length];

    /// <summary>The speculation this request's client had waiting for it, checked at arrival.</summary>
    public PendingSpeculation? Pending { get; } = pending;

    public ValueTask<Value> DemandViaGroup(int grp, int id)
    {
        Task t;
        lock (_s)
        {
            if (_groupDone[grp])
            {
                return new ValueTask<Value>(_s.Values[id]!);
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
                    return new ValueTask<Value>(_s.Values[id]!);
                }

                t = _groupPending[grp] = vt.AsTask();
            }
        }

        return AwaitGroup(t, id);
    }

    private async ValueTask<Value> AwaitGroup(Task t, int id)
    {
        await t.ConfigureAwait(false);
        return _s.Values[id]!;
    }

    private async ValueTask RunGroupAsync(int grp)
    {
        var group = _g.Groups[grp];
        // A cache demands its entering values together; a pre-computed or speculated part one after another.
        var (values, key, t) = await EnteringAsync(group, together: group.Cache is not null).ConfigureAwait(false);
        if (group.Ahead is { Precompute.KeyedByRequest: true } hot && run.Engine.Ahead is { } work)
        {
            await RunHotKeyAsync(grp, hot.Index, work, values, key, t).ConfigureAwait(false);
            return;
        }

        if (group.Cache is not { } cache)
        {
            var ahead = group.Ahead!;
            var stored = ahead.Precompute is not null
                ? run.Engine.Ahead?.Stored(ahead.Index)
                : Pending is { } p && ahead.Serves(p.Index) && p.Key == key ? p.Use() : null;
            if (stored is null || stored.Length != group.Exits.Length)
            {
                await RunExitsAsync(grp, t, floor: null).ConfigureAwait(false);
                return;
            }

            Serve(grp, values, t, run.Virtual ? t + run.Engine.Options.Costs.LookupMs : Math.Max(t, run.Elapsed), stored);
            return;
        }

        var entry = await cache.GetAsync(key, run.Info.ArrivalMs, run.Ct).ConfigureAwait(false);
        var afterLookup = run.Virtual ? t + run.Engine.Options.Costs.LookupMs : Math.Max(t, run.Elapsed);
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

        await cache.SetAsync(key, outputs, bytes, run.Info.ArrivalMs, run.Ct).ConfigureAwait(false);
        Inserted(grp, done);
    }

    /// <summary>
    /// A part stored per hot key (<see cref="PrecomputeRule.IsHotKey"/>): a key not listed runs as if there were no part; a listed
    /// key is looked up, served when stored, else computed and stored like a cache miss (its refreshes are <see cref="AheadWork"/>'s).
    /// </summary>
    private async ValueTask RunHotKeyAsync(int grp, int decision, AheadWork work, Value[] values, ulong key, double t)
    {
        if (!work.IsHot(decision, key))
        {
            await RunExitsAsync(grp, t, floor: null).ConfigureAwait(false);
            return;
        }

        var group = _g.Groups[grp];
        var afterLookup = run.Virtual ? t + run.Engine.Options.Costs.LookupMs : Math.Max(t, run.Elapsed);
        if (work.HotEntry(decision, key) is { } entry && entry.Length == group.Exits.Length)
        {
            Serve(grp, values, t, afterLookup, entry);
            return;
        }

        var (outputs, done) = await RunExitsAsync(grp, afterLookup, floor: afterLookup).ConfigureAwait(false);

        // The part reads request fields only (AheadRules.PartProblem), so they are all a refresh needs.
        var fields = group.Entering.Select((e, k) => (e.Field, Value: values[k])).Where(x => x.Field is not null).DistinctBy(x => x.Field)
            .Select(x => KeyValuePair.Create(x.Field!, x.Value));
        work.StoreHot(decision, key, outputs, Value.Record(fields));
        Inserted(grp, done);
    }

    /// <summary>After a miss stored the values of group <paramref name="grp"/>, whose last exit was done at <paramref name="done"/>: they are released after the insert.</summary>
    private void Inserted(int grp, double done)
    {
        var group = _g.Groups[grp];
        var ready = run.Virtual ? done + run.Engine.Options.Costs.InsertMs : Math.Max(done, run.Elapsed);
        lock (_s)
        {
            foreach (var x in group.Exits)
            {
                _s.ExitReady[x] = ready;
            }

            _groupDone[grp] = true;
        }
    }

    /// <summary>The values entering <paramref name="group"/>, their combined key, and when the last of them arrived.</summary>
    private async ValueTask<(Value[] Values, ulong Key, double Ready)> EnteringAsync(SubgraphGroup group, bool together)
    {
        var entering = group.Entering;
        var values = new Value[entering.Length];
        var tasks = new ValueTask<Value>[entering.Length];
#pragma warning disable CA2012 // each demand started here is awaited exactly once, in the loop below
        for (var k = 0; together && k < entering.Length; k++)
        {
            tasks[k] = run.DemandNode(entering[k].From, entering[k].To);
        }

        var hashes = new ulong[entering.Length];
        var t = 0.0;
        for (var k = 0; k < entering.Length; k++)
        {
            var raw = await (together ? tasks[k] : run.DemandNode(entering[k].From, entering[k].To)).ConfigureAwait(false);
#pragma warning restore CA2012
            var field = entering[k].Field;
            values[k] = field is null ? raw : raw.GetField(field) ?? Value.Null;
            hashes[k] = values[k].StableHash;
            lock (_s)
            {
                t = Math.Max(t, run.ReadyFor(entering[k].From, entering[k].To));
            }
        }

        return (values, CacheKey.Combine(hashes), t);
    }

    /// <summary>Serves the group's members from <paramref name="stored"/> (one value per exit), ready at <paramref name="ready"/>.</summary>
    private void Serve(int grp, Value[] entering, double start, double ready, Value[] stored)
    {
        var group = _g.Groups[grp];
        lock (_s)
        {
            foreach (var m in group.Members)
            {
                _s.Values[m] ??= Value.Null;
                _s.Start[m] = start;
                _s.Self[m] = 0;
                _s.Ready[m] = ready;
                _s.Status[m] = NodeStatus.Served;
                _s.Done[m] = true;
            }

            for (var x = 0; x < group.Exits.Length; x++)
            {
                _s.Values[group.Exits[x]] = stored[x];
                _s.ExitReady[group.Exits[x]] = ready;
            }

            _groupDone[grp] = true;
        }

        // The entering edges of a served group are recorded too: a replay keys the cache on them.
        if (run.Trace is not null)
        {
            for (var k = 0; k < entering.Length; k++)
            {
                var e = group.Entering[k];
                lock (_s)
                {
                    run.Trace.Edge(run.ReadyFor(e.From, e.To), e.From, e.To, entering[k]);
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
                _s.Floor[m] = f;
            }
        }

        var outputs = new Value[group.Exits.Length];
        var done = lookedUp;
        for (var x = 0; x < outputs.Length; x++)
        {
            outputs[x] = await run.DemandDirect(group.Exits[x]).ConfigureAwait(false);
            lock (_s)
            {
                done = Math.Max(done, _s.Ready[group.Exits[x]]);
                if (floor is null)
                {
                    _s.ExitReady[group.Exits[x]] = _s.Ready[group.Exits[x]];
                }
            }
        }

        if (floor is null)
        {
            lock (_s)
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
        lock (_s)
        {
            foreach (var m in members)
            {
                var node = _g.Graph[m];
                if (!_s.Done[m] || !AheadRules.IsTableRead(node) || AheadRules.TableAccess(node) is not var (table, pk))
                {
                    continue;
                }

                var input = pk is { } i ? node.Inputs[i] : null;
                var raw = input is null ? null : _s.Values[input.From];
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
            outputs[x] = await run.DemandDirect(exits[x]).ConfigureAwait(false);
        }

        lock (_s)
        {
            var done = exits.Length == 0 ? 0 : exits.Max(x => _s.Ready[x]);
            var work = 0.0;
            for (var i = 0; i < _s.Done.Length; i++)
            {
                if (_s.Done[i] && _s.Status[i] == NodeStatus.Ran)
                {
                    work += _s.Self[i];
                }
            }

            return (outputs, done, work);
        }
    }
}
