using System.Collections.Concurrent;
using Fluxo.Ir;
using Fluxo.Values;

namespace Fluxo.Runtime.Tables;

/// <summary>The embedded default: one sorted map per (table, partition), safe across concurrent requests.</summary>
public sealed class InMemoryTableStore : ITableStore
{
    private readonly ConcurrentDictionary<(string Table, string Partition), SortedDictionary<string, Value>> _partitions = new();

    public bool Simulated => true;

    public ValueTask<Value?> GetAsync(TableDecl table, string partitionKey, string rowKey, CancellationToken ct)
    {
        if (!_partitions.TryGetValue((table.Name, partitionKey), out var rows))
        {
            return new((Value?)null);
        }

        lock (rows)
        {
            return new(rows.GetValueOrDefault(rowKey));
        }
    }

    public ValueTask<IReadOnlyList<Value>> QueryAsync(TableDecl table, string partitionKey, string? rowKeyPrefix, CancellationToken ct)
    {
        if (!_partitions.TryGetValue((table.Name, partitionKey), out var rows))
        {
            return new(Array.Empty<Value>());
        }

        lock (rows)
        {
            IReadOnlyList<Value> list = rows.Where(kv => rowKeyPrefix is null || kv.Key.StartsWith(rowKeyPrefix, StringComparison.Ordinal)).Select(kv => kv.Value).ToList();
            return new(list);
        }
    }

    public ValueTask PutAsync(TableDecl table, string partitionKey, string rowKey, Value row, CancellationToken ct)
    {
        var rows = _partitions.GetOrAdd((table.Name, partitionKey), _ => new SortedDictionary<string, Value>(StringComparer.Ordinal));
        lock (rows)
        {
            rows[rowKey] = row;
        }

        return default;
    }

    public ValueTask DeleteAsync(TableDecl table, string partitionKey, string rowKey, CancellationToken ct)
    {
        if (_partitions.TryGetValue((table.Name, partitionKey), out var rows))
        {
            lock (rows)
            {
                rows.Remove(rowKey);
            }
        }

        return default;
    }
}
