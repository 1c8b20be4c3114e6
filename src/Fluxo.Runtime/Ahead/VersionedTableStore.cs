using Fluxo.Ir;
using Fluxo.Runtime.Tables;
using Fluxo.Values;

namespace Fluxo.Runtime.Ahead;

/// <summary>A table store that counts writes per table, so a speculated read can tell whether it is still what a read now would return.</summary>
internal sealed class VersionedTableStore(ITableStore inner) : ITableStore
{
    private readonly Dictionary<string, long> _versions = new(StringComparer.Ordinal);

    public bool Simulated => inner.Simulated;

    /// <summary>How many puts and deletes <paramref name="table"/> has seen.</summary>
    public long Version(string table)
    {
        lock (_versions)
        {
            return _versions.GetValueOrDefault(table);
        }
    }

    public ValueTask<Value?> GetAsync(TableDecl table, string partitionKey, string rowKey, CancellationToken ct) =>
        inner.GetAsync(table, partitionKey, rowKey, ct);

    public ValueTask<IReadOnlyList<Value>> QueryAsync(TableDecl table, string partitionKey, string? rowKeyPrefix, CancellationToken ct) =>
        inner.QueryAsync(table, partitionKey, rowKeyPrefix, ct);

    public ValueTask PutAsync(TableDecl table, string partitionKey, string rowKey, Value row, CancellationToken ct)
    {
        Bump(table.Name);
        return inner.PutAsync(table, partitionKey, rowKey, row, ct);
    }

    public ValueTask DeleteAsync(TableDecl table, string partitionKey, string rowKey, CancellationToken ct)
    {
        Bump(table.Name);
        return inner.DeleteAsync(table, partitionKey, rowKey, ct);
    }

    private void Bump(string table)
    {
        lock (_versions)
        {
            _versions[table] = _versions.GetValueOrDefault(table) + 1;
        }
    }
}
