using Fluxo.Policy;
using Fluxo.Runtime.Ahead;
using Fluxo.Trace;
using Fluxo.Values;

namespace Fluxo.Runtime.Engine;

/// <summary>Pre-computed and speculated subgraphs: served from the store like a cache hit, or run as if there were no group.</summary>
internal sealed partial class RequestRun
{
    /// <summary>The speculation this request's client had waiting for it, checked at arrival.</summary>
    public PendingSpeculation? Pending { get; set; }

    private async ValueTask RunAheadGroupAsync(int grp)
    {
        var group = _g.Groups[grp];
        var ahead = group.Ahead!;
        var entering = group.Entering;
        var values = new Value[entering.Length];
        var hashes = new ulong[entering.Length];
        var t = 0.0;
        for (var k = 0; k < entering.Length; k++)
        {
            var raw = await DemandNode(entering[k].From, entering[k].To).ConfigureAwait(false);
            values[k] = entering[k].Field is null ? raw : raw.GetField(entering[k].Field!) ?? Value.Null;
            hashes[k] = values[k].StableHash;
            lock (this)
            {
                t = Math.Max(t, ReadyFor(entering[k].From, entering[k].To));
            }
        }

        var stored = ahead.Precompute is not null
            ? _engine.Ahead?.Stored(ahead.Index)
            : Pending is { } p && ahead.Serves(p.Index) && p.Key == CacheKey.Combine(hashes) ? p.Use() : null;
        if (stored is null || stored.Length != group.Exits.Length)
        {
            foreach (var x in group.Exits)
            {
                await DemandDirect(x).ConfigureAwait(false);
                lock (this)
                {
                    _exitReady[x] = _ready[x];
                }
            }

            lock (this)
            {
                _groupDone[grp] = true;
            }

            return;
        }

        var ready = _virtual ? t + _engine.Options.Costs.LookupMs : Math.Max(t, Elapsed);
        lock (this)
        {
            foreach (var m in group.Members)
            {
                _values[m] ??= Value.Null;
                _start[m] = t;
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

        if (_edges is not null)
        {
            for (var k = 0; k < entering.Length; k++)
            {
                RecordEdge(ReadyFor(entering[k].From, entering[k].To), entering[k].From, entering[k].To, values[k]);
            }
        }
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
