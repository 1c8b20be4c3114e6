using Fluxo.Ir;
using Fluxo.Values;

namespace Fluxo.Runtime.Tables;

/// <summary>
/// A table store that numbers writes and remembers the last one per table and per partition, so a speculated
/// read can tell whether it is still what a read now would return.
/// </summary>
internal sealed class VersionedTableStore(ITableStore inner) : ITableStore
{
    private readonly Dictionary<string, long> _byTable = new(StringComparer.Ordinal);
    private readonly Dictionary<(string, string), long> _byPartition = [];
    private long _clock;

    public bool Simulated => inner.Simulated;

    /// <summary>How many writes there have been.</summary>
    public long Clock
    {
        get
        {
            lock (_byTable)
            {
                return _clock;
            }
        }
    }

    /// <summary>True when no write after <paramref name="since"/> touched the partition (or, without one, the table).</summary>
    public bool UnwrittenSince(string table, string? partition, long since)
    {
        lock (_byTable)
        {
            return (partition is null ? _byTable.GetValueOrDefault(table) : _byPartition.GetValueOrDefault((table, partition))) <= since;
        }
    }

    public ValueTask<Value?> GetAsync(TableDecl table, string partitionKey, string rowKey, CancellationToken ct) =>
        inner.GetAsync(table, partitionKey, rowKey, ct);

    public ValueTask<IReadOnlyList<Value>> QueryAsync(TableDecl table, string partitionKey, string? rowKeyPrefix, CancellationToken ct) =>
        inner.QueryAsync(table, partitionKey, rowKeyPrefix, ct);

    public ValueTask PutAsync(TableDecl table, string partitionKey, string rowKey, Value row, CancellationToken ct)
    {
        Bump(table.Name, partitionKey);
        return inner.PutAsync(table, partitionKey, rowKey, row, ct);
    }

    public ValueTask DeleteAsync(TableDecl table, string partitionKey, string rowKey, CancellationToken ct)
    {
        Bump(table.Name, partitionKey);
        return inner.DeleteAsync(table, partitionKey, rowKey, ct);
    }

    private void Bump(string table, string partition)
    {
        lock (_byTable)
        {
            _clock++;
            _byTable[table] = _clock;
            _byPartition[(table, partition)] = _clock;
        }
    }
}
