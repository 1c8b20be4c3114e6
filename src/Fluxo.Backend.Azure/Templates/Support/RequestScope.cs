using System.Collections.Concurrent;
using System.Collections.Immutable;
using Fluxo.Builtins;
using Fluxo.Values;

namespace Fluxo.Support;

/// <summary>
/// One run of one handler: what compiled code calls for externs, tables, queues and caches. Reads remember the
/// row version they saw; writes and enqueues are collected as effects, journaled and applied after the body ran.
/// </summary>
public sealed class RequestScope(string id, FluxoServices services, CancellationToken ct, RequestTrace? trace = null)
{
    private readonly ConcurrentDictionary<(string, string, string), (string ETag, string? History)> _versions = new();
    private readonly ConcurrentQueue<Effect> _effects = new();

    private readonly ConcurrentQueue<(string Table, string Partition)> _reads = new();

    public string Id => id;

    /// <summary>A scope for a graph run inside this request's (a pipe's sub-pipe): same id and services, no trace of its own.</summary>
    public RequestScope Nested() => new(id, services, ct);

    /// <summary>When the request arrived (unix ms): what an expiring cache's entries are stamped with and aged against.</summary>
    public double ArrivalMs { get; } = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    /// <summary>The client's speculation this request was handed at arrival (<see cref="AheadStore.TakeAsync"/>).</summary>
    public SpeculationEntry? Given { get; init; }

    /// <summary>Whether table reads are remembered (a speculation's, for the version check).</summary>
    public bool RecordsReads { get; init; }

    public IEnumerable<(string Table, string Partition)> TableReads => _reads;

    public IBuiltinContext Builtins => SystemBuiltinContext.Instance;

    public CancellationToken Cancellation => ct;

    public ImmutableArray<Effect> Effects => [.. _effects];

    public Task<Value> Extern(string name, string[] paramNames, params Value[] args) =>
        services.Externs.CallAsync(name, paramNames, args, ct);

    public async Task<Value> Get(string table, Value pk, Value rk)
    {
        Read(table, pk);
        var (row, etag, history) = await services.Tables.GetAsync(table, pk, rk, ct);
        _versions.TryAdd((table, TableStore.EncodeKey(pk), TableStore.EncodeKey(rk)), (etag, history));
        return row;
    }

    public Task<Value> Query(string table, Value pk, Value? prefix)
    {
        Read(table, pk);
        return services.Tables.QueryAsync(table, pk, prefix, ct);
    }

    private void Read(string table, Value pk)
    {
        if (RecordsReads)
        {
            _reads.Enqueue((table, TableStore.EncodeKey(pk)));
        }
    }

    public Value Put(string table, Value pk, Value rk, params (string Name, Value Value)[] fields)
    {
        var (p, r) = (TableStore.EncodeKey(pk), TableStore.EncodeKey(rk));
        var json = fields.ToDictionary(f => f.Name, f => ValueJson.Serialize(f.Value));
        var seen = _versions.TryGetValue((table, p, r), out var v) ? v : ((string ETag, string? History)?)null;
        _effects.Enqueue(new PutEffect(table, p, r, json, seen?.ETag, seen?.History));
        return Value.Null;
    }

    public Value Delete(string table, Value pk, Value rk)
    {
        var (p, r) = (TableStore.EncodeKey(pk), TableStore.EncodeKey(rk));
        _effects.Enqueue(new DeleteEffect(table, p, r, _versions.TryGetValue((table, p, r), out var v) ? v.ETag : null));
        return Value.Null;
    }

    /// <summary>The message id is the request id and the enqueue node's id, so a replay sends the same message id.</summary>
    public Value Enqueue(string handler, int nodeId, params (string Name, Value Value)[] args)
    {
        _effects.Enqueue(new EnqueueEffect(handler, id + "." + nodeId, ValueJson.Serialize(Flx.Record(args))));
        return Value.Null;
    }

    public async Task<Value[]> Cached(string cacheId, Value[] inputs, Func<Task<Value[]>> compute, int[] members, (int From, int To, int Input)[] entering)
    {
        var computed = false;
        var outputs = await services.Caches.GetOrComputeAsync(cacheId, inputs, () =>
        {
            computed = true;
            return compute();
        }, ArrivalMs);
        if (!computed && trace is not null)
        {
            trace.Served(members, [.. entering.Select((e, k) => (e.From, e.To, e.Input, inputs[k]))]);
        }

        return outputs;
    }

    /// <summary>
    /// A part the policy runs ahead: served from the store (pre-computed) or from the speculation this request was
    /// given when it guessed the same key; otherwise computed here, as the local runtime does.
    /// </summary>
    public async Task<Value[]> Ahead(string partId, Value[] inputs, Func<Task<Value[]>> compute, int[] members, (int From, int To, int Input)[] entering)
    {
        var part = services.Model.Ahead!.Part(partId);
        if (services.Ahead.HotKeys(part) is { } hot)
        {
            return await HotAsync(part, hot, inputs, compute, members, entering);
        }

        var stored = !part.Speculated ? await services.Ahead.LoadAsync(part)
            : Given is { } given && given.Keyspace == part.Keyspace && part.Decisions.Contains(given.Decision) && given.Key == CacheStore.KeyOf(inputs)
                ? [.. ValueJson.Parse(given.Values).AsList]
                : null;
        FluxoTelemetry.Ahead(partId, stored is null ? "computed" : "served");
        if (stored is null)
        {
            return await compute();
        }

        trace?.Served(members, [.. entering.Select((e, k) => (e.From, e.To, e.Input, inputs[k]))]);
        return stored;
    }

    /// <summary>
    /// A part stored per hot key (Core's <see cref="Fluxo.Policy.PrecomputeRule"/>): a key not listed is computed with no
    /// lookup; a listed one is served when stored, else computed and stored with the request fields its refreshes need.
    /// </summary>
    private async Task<Value[]> HotAsync(AheadPart part, IReadOnlySet<ulong> hot, Value[] inputs, Func<Task<Value[]>> compute, int[] members, (int From, int To, int Input)[] entering)
    {
        var key = Fluxo.Policy.CacheKey.Combine([.. inputs.Select(v => v.StableHash)]);
        if (!Fluxo.Policy.PrecomputeRule.IsHotKey(hot, key))
        {
            return await compute();
        }

        var text = Fluxo.Policy.CacheKey.Format(key);
        if (await services.Ahead.LoadAsync(part, text) is { } stored)
        {
            FluxoTelemetry.Ahead(part.Id, "served");
            trace?.Served(members, [.. entering.Select((e, k) => (e.From, e.To, e.Input, inputs[k]))]);
            return stored;
        }

        FluxoTelemetry.Ahead(part.Id, "computed");
        var values = await compute();

        // The part reads request fields only (AheadRules.PartProblem): they are all a refresh needs.
        var request = Value.Record(part.KeyFields.Select((f, k) => (f, k)).Where(x => x.f is not null).DistinctBy(x => x.f)
            .Select(x => KeyValuePair.Create(x.f!, inputs[x.k])));
        await services.Ahead.StoreAsync(part, values, text, request);
        return values;
    }

    // What compiled nodes report to the request's trace; without one they cost a null check.
    public RequestTrace? Trace => trace;

    public void Begin(int node) => trace?.Begin(node);

    public Value In(int from, int to, int input, Value v)
    {
        trace?.Edge(from, to, input, v);
        return FluxoTelemetry.Edge(from, v);
    }

    public Value Ran(int node, Value v)
    {
        trace?.Finish(node, Fluxo.Trace.NodeStatus.Ran);
        return v;
    }

    public Value Skip(int node)
    {
        trace?.Finish(node, Fluxo.Trace.NodeStatus.Skipped);
        FluxoTelemetry.Skipped();
        return Value.Null;
    }
}
