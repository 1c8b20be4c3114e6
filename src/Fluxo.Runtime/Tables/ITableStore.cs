using Fluxo.Ir;
using Fluxo.Values;

namespace Fluxo.Runtime.Tables;

/// <summary>
/// Where tables live. A row is a record of the table's fields plus both keys. A simulated store
/// (in memory) is charged the bindings' table latency; a real one is charged what it measured.
/// </summary>
public interface ITableStore
{
    bool Simulated { get; }

    ValueTask<Value?> GetAsync(TableDecl table, string partitionKey, string rowKey, CancellationToken ct);

    /// <summary>Rows of one partition whose row key starts with <paramref name="rowKeyPrefix"/> (all when null), in row key order.</summary>
    ValueTask<IReadOnlyList<Value>> QueryAsync(TableDecl table, string partitionKey, string? rowKeyPrefix, CancellationToken ct);

    ValueTask PutAsync(TableDecl table, string partitionKey, string rowKey, Value row, CancellationToken ct);

    ValueTask DeleteAsync(TableDecl table, string partitionKey, string rowKey, CancellationToken ct);
}
