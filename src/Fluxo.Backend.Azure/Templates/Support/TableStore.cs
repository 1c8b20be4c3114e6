using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Fluxo.Values;

namespace Fluxo.Support;

/// <summary>Flimp tables as Azure Tables: scalar fields as native properties, lists and records as JSON text.</summary>
public sealed class TableStore(TableServiceClient service, ServiceModel model)
{
    /// <summary>
    /// The property holding the ids of the last requests that wrote a row, newest last: how a replay recognises its
    /// own write even after later requests built on it.
    /// </summary>
    public const string RequestProperty = "FluxoRequests";

    /// <summary>Writers remembered per row: more than ever race for one row between a crash and its replay.</summary>
    private const int HistoryLength = 64;

    public static string AppendHistory(string? history, string requestId)
    {
        var ids = (history ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries).Append(requestId);
        return string.Join('\n', ids.TakeLast(HistoryLength));
    }

    private static bool WrittenBy(TableEntity row, string requestId) =>
        (row.GetString(RequestProperty) ?? "").Split('\n').Contains(requestId);

    private readonly Dictionary<string, TableClient> _clients = [];

    public TableClient Client(string table)
    {
        lock (_clients)
        {
            if (!_clients.TryGetValue(table, out var client))
            {
                client = service.GetTableClient(model.TableName(table));
                _clients[table] = client;
            }

            return client;
        }
    }

    public async Task EnsureCreatedAsync(CancellationToken ct)
    {
        foreach (var t in model.Tables)
        {
            await Client(t.Name).CreateIfNotExistsAsync(ct);
        }
    }

    /// <summary>Azure keys may not hold / \ # ? or control characters: those (and %) are percent-escaped.</summary>
    public static string EncodeKey(Value key)
    {
        var text = key.ToString();
        var sb = new StringBuilder(text.Length);
        foreach (var ch in text)
        {
            if (ch is '/' or '\\' or '#' or '?' or '%' || char.IsControl(ch))
            {
                sb.Append('%').Append(((int)ch).ToString("X4", CultureInfo.InvariantCulture));
            }
            else
            {
                sb.Append(ch);
            }
        }

        return sb.ToString();
    }

    public static Value DecodeKey(string text, string type)
    {
        var sb = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '%' && i + 4 < text.Length)
            {
                sb.Append((char)int.Parse(text.AsSpan(i + 1, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                i += 4;
            }
            else
            {
                sb.Append(text[i]);
            }
        }

        var s = sb.ToString();
        return type.TrimEnd('?') switch
        {
            "int" => Value.Int(long.Parse(s, CultureInfo.InvariantCulture)),
            "float" => Value.Float(double.Parse(s, CultureInfo.InvariantCulture)),
            "bool" => Value.Bool(s == "true"),
            _ => Value.String(s),
        };
    }

    /// <summary>A row (or none), its version ("" when absent) and the ids of the requests that last wrote it.</summary>
    public async Task<(Value Row, string ETag, string? History)> GetAsync(string table, Value pk, Value rk, CancellationToken ct)
    {
        var schema = model.Table(table);
        var response = await Client(table).GetEntityIfExistsAsync<TableEntity>(EncodeKey(pk), EncodeKey(rk), cancellationToken: ct);
        return response.HasValue && response.Value is { } e ? (ToRow(schema, e), e.ETag.ToString(), e.GetString(RequestProperty)) : (Value.Null, "", null);
    }

    public async Task<Value> QueryAsync(string table, Value pk, Value? prefix, CancellationToken ct)
    {
        var schema = model.Table(table);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {EncodeKey(pk)}");
        var rows = new List<(string Key, Value Row)>();
        var wanted = prefix?.ToString();
        await foreach (var e in Client(table).QueryAsync<TableEntity>(filter, cancellationToken: ct))
        {
            var row = ToRow(schema, e);
            var key = row.GetField(schema.RowKey.Name)!.ToString();
            if (wanted is null || key.StartsWith(wanted, StringComparison.Ordinal))
            {
                rows.Add((key, row));
            }
        }

        return Value.List(rows.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => r.Row).ToImmutableArray());
    }

    private static Value ToRow(TableSchema schema, TableEntity e)
    {
        var fields = ImmutableArray.CreateBuilder<KeyValuePair<string, Value>>();
        fields.Add(new(schema.PartitionKey.Name, DecodeKey(e.PartitionKey, schema.PartitionKey.Type)));
        fields.Add(new(schema.RowKey.Name, DecodeKey(e.RowKey, schema.RowKey.Type)));
        foreach (var f in schema.Fields)
        {
            fields.Add(new(f.Name, e.TryGetValue(f.Name, out var v) ? FromProperty(v) : Value.Null));
        }

        return Value.Record(fields.ToImmutable());
    }

    private static Value FromProperty(object? v) => v switch
    {
        null => Value.Null,
        string s when s.StartsWith("json:", StringComparison.Ordinal) => ValueJson.Parse(s[5..]),
        string s => Value.String(s.StartsWith("text:", StringComparison.Ordinal) ? s[5..] : s),
        bool b => Value.Bool(b),
        int i => Value.Int(i),
        long l => Value.Int(l),
        double d => Value.Float(d),
        _ => Value.String(Convert.ToString(v, CultureInfo.InvariantCulture) ?? ""),
    };

    /// <summary>Strings that could be mistaken for the JSON marker are stored with a text marker.</summary>
    public static object? ToProperty(Value v) => v.Kind switch
    {
        ValueKind.Null => null,
        ValueKind.Bool => v.AsBool,
        ValueKind.Int => v.AsInt,
        ValueKind.Float => v.AsFloat,
        ValueKind.String => v.AsString.StartsWith("json:", StringComparison.Ordinal) || v.AsString.StartsWith("text:", StringComparison.Ordinal) ? "text:" + v.AsString : v.AsString,
        _ => "json:" + ValueJson.Serialize(v),
    };

    /// <summary>Applies a put; false on a version conflict with another request's write.</summary>
    public async Task<bool> PutAsync(PutEffect put, string requestId, CancellationToken ct)
    {
        var entity = new TableEntity(put.PartitionKey, put.RowKey) { [RequestProperty] = AppendHistory(put.History, requestId) };
        foreach (var (name, json) in put.FieldsJson)
        {
            var value = ToProperty(ValueJson.Parse(json));
            if (value is not null)
            {
                entity[name] = value;
            }
        }

        var client = Client(put.Table);
        try
        {
            switch (put.ETag)
            {
                case null:
                    await client.UpsertEntityAsync(entity, TableUpdateMode.Replace, ct);
                    break;
                case "":
                    await client.AddEntityAsync(entity, ct);
                    break;
                default:
                    await client.UpdateEntityAsync(entity, new ETag(put.ETag), TableUpdateMode.Replace, ct);
                    break;
            }

            return true;
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412 or 404)
        {
            var current = await client.GetEntityIfExistsAsync<TableEntity>(put.PartitionKey, put.RowKey, cancellationToken: ct);
            return current.HasValue && current.Value is { } row && WrittenBy(row, requestId);
        }
    }

    /// <summary>Applies a delete; false on a version conflict with another request's write.</summary>
    public async Task<bool> DeleteAsync(DeleteEffect delete, CancellationToken ct)
    {
        try
        {
            await Client(delete.Table).DeleteEntityAsync(delete.PartitionKey, delete.RowKey, string.IsNullOrEmpty(delete.ETag) ? ETag.All : new ETag(delete.ETag), ct);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            return false;
        }
    }
}
