using System.Collections.Concurrent;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Fluxo.Ir;
using Fluxo.Values;

namespace Fluxo.Runtime.Tables;

/// <summary>
/// Tables in Azure Table Storage (or Azurite): one Azure table per Flimp table, the row stored as the
/// JSON of its record in property <c>v</c> so every value kind survives. Keys are escaped because
/// Azure forbids '/', '\', '#' and '?' in them.
/// </summary>
public sealed class AzureTableStore(TableServiceClient service, string namePrefix = "fx") : ITableStore
{
    private readonly ConcurrentDictionary<string, Lazy<Task<TableClient>>> _clients = new(StringComparer.Ordinal);

    public bool Simulated => false;

    /// <summary>Azure table names are 3-63 letters and digits, starting with a letter.</summary>
    public string AzureName(TableDecl table)
    {
        var clean = new string([.. (namePrefix + table.Name).Where(char.IsAsciiLetterOrDigit)]);
        return clean.Length > 63 ? clean[..63] : clean.PadRight(3, '0');
    }

    private Task<TableClient> Client(TableDecl table) =>
        _clients.GetOrAdd(table.Name, _ => new Lazy<Task<TableClient>>(async () =>
        {
            var client = service.GetTableClient(AzureName(table));
            await client.CreateIfNotExistsAsync().ConfigureAwait(false);
            return client;
        })).Value;

    public async ValueTask<Value?> GetAsync(TableDecl table, string partitionKey, string rowKey, CancellationToken ct)
    {
        var client = await Client(table).ConfigureAwait(false);
        var r = await client.GetEntityIfExistsAsync<TableEntity>(Escape(partitionKey), Escape(rowKey), ["v"], ct).ConfigureAwait(false);
        return r.HasValue ? ValueJson.Parse(r.Value!.GetString("v")) : null;
    }

    public async ValueTask<IReadOnlyList<Value>> QueryAsync(TableDecl table, string partitionKey, string? rowKeyPrefix, CancellationToken ct)
    {
        var client = await Client(table).ConfigureAwait(false);
        var rows = new List<(string Key, Value Row)>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Escape(partitionKey)}");
        await foreach (var e in client.QueryAsync<TableEntity>(filter, cancellationToken: ct).ConfigureAwait(false))
        {
            var key = Unescape(e.RowKey);
            if (rowKeyPrefix is null || key.StartsWith(rowKeyPrefix, StringComparison.Ordinal))
            {
                rows.Add((key, ValueJson.Parse(e.GetString("v"))));
            }
        }

        // Escaping can change the order Azure returns; the contract is ordinal order of the real keys.
        rows.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        return [.. rows.Select(r => r.Row)];
    }

    public async ValueTask PutAsync(TableDecl table, string partitionKey, string rowKey, Value row, CancellationToken ct)
    {
        var client = await Client(table).ConfigureAwait(false);
        var entity = new TableEntity(Escape(partitionKey), Escape(rowKey)) { ["v"] = ValueJson.Serialize(row) };
        await client.UpsertEntityAsync(entity, TableUpdateMode.Replace, ct).ConfigureAwait(false);
    }

    public async ValueTask DeleteAsync(TableDecl table, string partitionKey, string rowKey, CancellationToken ct)
    {
        var client = await Client(table).ConfigureAwait(false);
        try
        {
            await client.DeleteEntityAsync(Escape(partitionKey), Escape(rowKey), ETag.All, ct).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
        }
    }

    public static string Escape(string key)
    {
        var sb = new StringBuilder(key.Length);
        foreach (var c in key)
        {
            if (c is '%' or '/' or '\\' or '#' or '?' || char.IsControl(c))
            {
                sb.Append('%').Append(((int)c).ToString("X4", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }

    public static string Unescape(string key)
    {
        var sb = new StringBuilder(key.Length);
        for (var i = 0; i < key.Length; i++)
        {
            if (key[i] == '%' && i + 4 < key.Length)
            {
                sb.Append((char)Convert.ToInt32(key.Substring(i + 1, 4), 16));
                i += 4;
            }
            else
            {
                sb.Append(key[i]);
            }
        }

        return sb.ToString();
    }
}
