using System.Globalization;
using System.Text.Json;
using Fluxo.Policy;
using Fluxo.Values;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Fluxo.Support;

/// <summary>
/// A client's waiting speculation as Redis keeps it: the part (by keyspace, so another build's entry is never used) and
/// decision, the key its guessed inputs make, the client's generation when the request that started it arrived, the
/// write clock when it began reading, the version keys of what it read, and its values.
/// </summary>
public sealed record SpeculationEntry(string Keyspace, int Decision, string Key, long Generation, long Since, string[] Reads, string Values);

/// <summary>
/// Where the parts of <see cref="AheadModel"/> live in Redis. Pre-computed parts: one stored entry each, written by
/// <see cref="AheadRefresher"/>. Speculations follow Core's <see cref="SpeculationRule"/> as the local runtime does: a
/// successful request of the rule's handler starts one for its client, a client keeps at most one (a newer replaces it),
/// and the client's next request takes it at arrival and uses it only if it is the expected handler and no table
/// partition it read was written since it began (writes stamp a version before and after they apply). Waiting entries
/// share <see cref="AheadModel.SpeculationBytes"/> under the LRU contract of <see cref="CacheKey"/>. Without Redis
/// nothing is served ahead: slower, never wrong.
/// </summary>
public sealed class AheadStore(RedisConnection redis, ServiceModel model, ILogger<AheadStore> logger)
{
    /// <summary>How long a speculation waits for its client's next request.</summary>
    public static readonly TimeSpan MaxWait = TimeSpan.FromHours(1);

    private string Prefix => "fluxo:" + model.Prefix + ":";

    private string Spec => Prefix + "spec:";

    private IDatabase? Db => redis.Multiplexer is { IsConnected: true } mux ? mux.GetDatabase() : null;

    /// <summary>Whether the policy speculates: then requests take their client's entry and table writes are versioned.</summary>
    public bool Speculates => model.Ahead is { Policy.Speculate.Length: > 0 };

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, HashSet<ulong>?> _hotKeys = new();

    /// <summary>The keys a pre-computed part stores one entry each for (<see cref="PrecomputeRule"/>); null for a part with one entry or a speculation.</summary>
    public IReadOnlySet<ulong>? HotKeys(AheadPart part) => part.Speculated ? null : _hotKeys.GetOrAdd(part.Id, _ =>
        model.Ahead!.Policy.Precompute[part.Decisions[0]] is { KeyedByRequest: true } p ? PrecomputeRule.ParseHotKeys(p.HotKeys) : null);

    /// <summary>The stored values of a part, or of one hot key's entry when <paramref name="key"/> is given; null when none is stored or Redis is not there.</summary>
    public async Task<Value[]?> LoadAsync(AheadPart part, string? key = null)
    {
        if (Db is not { } db)
        {
            return null;
        }

        try
        {
            var v = await db.StringGetAsync(Stored(part, key));
            return v.IsNull ? null : [.. ValueJson.Parse((string)v!).AsList];
        }
        catch (Exception e) when (e is RedisException or RedisTimeoutException)
        {
            logger.LogWarning("pre-computed part {Part} not loaded: {Message}", part.Id, e.Message);
            return null;
        }
    }

    /// <summary>
    /// Stores a pre-computed part's values, or one hot key's with the request fields its refreshes recompute it from; false
    /// when Redis is not there (the refresher tries again).
    /// </summary>
    public async Task<bool> StoreAsync(AheadPart part, Value[] values, string? key = null, Value? request = null)
    {
        if (Db is not { } db)
        {
            return false;
        }

        try
        {
            await db.StringSetAsync(Stored(part, key), ValueJson.Serialize(Value.List(values)));
            if (key is not null && request is not null)
            {
                await db.HashSetAsync(Prefix + part.Keyspace + ":requests", key, ValueJson.Serialize(request));
            }

            return true;
        }
        catch (Exception e) when (e is RedisException or RedisTimeoutException)
        {
            logger.LogWarning("pre-computed part {Part} not stored: {Message}", part.Id, e.Message);
            return false;
        }
    }

    public async Task<bool> StoredAsync(AheadPart part) => Db is { } db && await db.KeyExistsAsync(Stored(part, null));

    /// <summary>The hot keys of a part stored so far, with the request fields each was computed from.</summary>
    public async Task<(string Key, Value Request)[]> HotRequestsAsync(AheadPart part)
    {
        if (Db is not { } db)
        {
            return [];
        }

        var entries = await db.HashGetAllAsync(Prefix + part.Keyspace + ":requests");
        return [.. entries.Select(e => ((string)e.Name!, ValueJson.Parse((string)e.Value!)))];
    }

    private string Stored(AheadPart part, string? key) => Prefix + part.Keyspace + ":stored" + (key is null ? "" : ":" + key);

    /// <summary>
    /// A request of <paramref name="handler"/> from <paramref name="client"/> arrives: takes the client's waiting
    /// speculation and hands it over when <see cref="SpeculationRule.Serves"/> holds; answers the client's new generation too.
    /// </summary>
    public async Task<(long Generation, SpeculationEntry? Given)> TakeAsync(string handler, long client)
    {
        if (!Speculates || Db is not { } db)
        {
            return (0, null);
        }

        var member = client.ToString(CultureInfo.InvariantCulture);
        RedisKey[] keys = [Spec + "gen:" + member, Spec + "e:" + member, Spec + "lru", Spec + "bytes", Spec + "sizes"];
        try
        {
            var taken = (RedisResult[])(await db.ScriptEvaluateAsync(CacheScripts.Take, keys, [member]))!;
            var generation = (long)taken[0];
            if (taken[1].IsNull)
            {
                return (generation, null);
            }

            var entry = JsonSerializer.Deserialize<SpeculationEntry>((string)taken[1]!);
            var ahead = model.Ahead!;
            var ours = entry is not null && entry.Decision >= 0 && entry.Decision < ahead.Policy.Speculate.Length
                && ahead.Parts.Any(p => p.Speculated && p.Keyspace == entry.Keyspace && p.Decisions.Contains(entry.Decision));

            // Only the request right after the one that started it may use it: ready in time means stored before this arrival.
            if (!ours || entry!.Generation != generation - 1
                || !SpeculationRule.Serves(ahead.Policy.Speculate[entry.Decision].Handler, 0, handler, 0, () => Unwritten(db, entry)))
            {
                FluxoTelemetry.Ahead(ahead.Parts.FirstOrDefault(p => p.Keyspace == entry?.Keyspace)?.Id ?? "(another build)", "wasted");
                return (generation, null);
            }

            return (generation, entry);
        }
        catch (Exception e) when (e is RedisException or RedisTimeoutException or JsonException)
        {
            logger.LogWarning("speculation of client {Client} not taken: {Message}", client, e.Message);
            return (0, null);
        }
    }

    /// <summary>After a successful request, starts the speculation the policy plans for it, off the request's path.</summary>
    public void Launch(FluxoServices services, HandlerInfo handler, Value request, Value result, long client, long generation)
    {
        if (model.Ahead is not { } ahead || Db is null)
        {
            return;
        }

        var d = SpeculationRule.Launched(ahead.Policy, handler.Name);
        if (d < 0)
        {
            return;
        }

        var s = ahead.Policy.Speculate[d];
        var part = ahead.Parts.First(p => p.Speculated && p.Decisions.Contains(d));
        var guess = SpeculationRule.Guess(s, request, result);
        _ = Task.Run(() => SpeculateAsync(services, d, part, guess, client, generation));
    }

    private async Task SpeculateAsync(FluxoServices services, int decision, AheadPart part, Value guess, long client, long generation)
    {
        if (Db is not { } db)
        {
            return;
        }

        try
        {
            var clock = await db.StringGetAsync(Prefix + "ver:clock");
            var since = clock.IsNull ? 0 : (long)clock;
            var scope = new RequestScope("speculation." + Guid.NewGuid().ToString("N"), services, CancellationToken.None) { RecordsReads = true };
            var values = await model.Handler(part.Handler).RunPart!(scope, guess, part.Part);
            var key = CacheStore.KeyOf([.. part.KeyFields.Select(f => f is null ? Value.Null : guess.GetField(f) ?? Value.Null)]);
            var reads = scope.TableReads.Select(r => part.TableWideReads.Contains(r.Table) ? TableVersion(r.Table) : PartitionVersion(r.Table, r.Partition)).Distinct().ToArray();
            var entry = new SpeculationEntry(part.Keyspace, decision, key, generation, since, reads, ValueJson.Serialize(Value.List(values)));
            var member = client.ToString(CultureInfo.InvariantCulture);
            RedisKey[] keys = [Spec + "e:" + member, Spec + "lru", Spec + "clock", Spec + "bytes", Spec + "sizes"];
            var size = CacheKey.EntryBytes(values.Select(v => v.ByteSize));
            await db.ScriptEvaluateAsync(CacheScripts.Replace, keys, [member, JsonSerializer.Serialize(entry), size, model.Ahead!.SpeculationBytes, Spec + "e:"]);

            // Well within the day a version stamp lives (CacheScripts.Stamp): a waiting entry never outlives the stamps it is checked against.
            await db.KeyExpireAsync(Spec + "e:" + member, MaxWait);
            FluxoTelemetry.Ahead(part.Id, "stored");
        }
        catch (Exception e)
        {
            // A wrong guess can make a part fail (a field of none): that is wasted work, never an error of any request.
            FluxoTelemetry.Ahead(part.Id, "wasted");
            logger.LogDebug("speculation {Part} for client {Client} dropped: {Message}", part.Id, client, e.Message);
        }
    }

    /// <summary>
    /// A write to <paramref name="table"/>'s <paramref name="partition"/>: called before it applies and after, so a
    /// speculation that read during the write, or before it, never counts as unwritten.
    /// </summary>
    public async Task StampAsync(string table, string partition)
    {
        if (model.Ahead?.Speculated(table) != true || Db is not { } db)
        {
            return;
        }

        try
        {
            await db.ScriptEvaluateAsync(CacheScripts.Stamp, [Prefix + "ver:clock", TableVersion(table), PartitionVersion(table, partition)]);
        }
        catch (Exception e) when (e is RedisException or RedisTimeoutException)
        {
            logger.LogWarning("write to {Table} not versioned: {Message}", table, e.Message);
        }
    }

    private bool Unwritten(IDatabase db, SpeculationEntry entry)
    {
        if (entry.Reads.Length == 0)
        {
            return true;
        }

        // Serves asks this last and synchronously; one round trip for every version.
        var versions = db.StringGet([.. entry.Reads.Select(r => (RedisKey)r)]);
        return versions.All(v => (v.IsNull ? 0 : (long)v) <= entry.Since);
    }

    private string TableVersion(string table) => Prefix + "ver:t:" + table;

    private string PartitionVersion(string table, string partition) => Prefix + "ver:p:" + table + ":" + partition;
}
