using System.Text.Json;
using Fluxo.Diagnostics;
using Fluxo.Ir;
using Fluxo.Values;

namespace Fluxo.Runtime.Tables;

/// <summary>
/// <c>fluxo run --tables data.json</c>: rows to start from, so a failing request can be reproduced by hand. The file is
/// <c>{ "Table": [ { "key": ..., "row": ..., "field": ... }, ... ] }</c>, each row with both keys and every field.
/// </summary>
public static class TableSeed
{
    public static async Task<int?> SeedAsync(string path, IrModule module, ITableStore store, DiagnosticBag diags, CancellationToken ct)
    {
        var text = InputFile.ReadText(path, diags);
        if (text is null)
        {
            return null;
        }

        Value doc;
        try
        {
            doc = ValueJson.Parse(text);
        }
        catch (JsonException e)
        {
            diags.Add(Diag.TablesInvalid(path, "$", $"not valid JSON: {e.Message}"));
            return null;
        }

        if (doc.Kind != ValueKind.Record)
        {
            diags.Add(Diag.TablesInvalid(path, "$", "expected an object whose properties name tables"));
            return null;
        }

        var rows = new List<(TableDecl Table, Value Row)>();
        foreach (var (name, list) in doc.AsRecord)
        {
            var table = module.FindTable(name);
            if (table is null)
            {
                diags.Add(Diag.TablesInvalid(path, $"$.{name}", $"the service has no table '{name}'"));
                continue;
            }

            if (list.Kind != ValueKind.List)
            {
                diags.Add(Diag.TablesInvalid(path, $"$.{name}", "expected an array of rows"));
                continue;
            }

            for (var i = 0; i < list.AsList.Length; i++)
            {
                var row = list.AsList[i];
                var missing = new[] { table.PartitionKey, table.RowKey }.Concat(table.Fields).Where(p => row.GetField(p.Name) is null || row.GetField(p.Name)!.IsNull && !p.Type.EndsWith('?')).Select(p => p.Name).ToList();
                if (row.Kind != ValueKind.Record || missing.Count > 0)
                {
                    diags.Add(Diag.TablesInvalid(path, $"$.{name}[{i}]", row.Kind != ValueKind.Record ? "expected a row object" : $"the row has no '{missing[0]}'"));
                    continue;
                }

                rows.Add((table, row));
            }
        }

        if (diags.HasErrors)
        {
            return null;
        }

        foreach (var (table, row) in rows)
        {
            await store.PutAsync(table, row.GetField(table.PartitionKey.Name)!.ToString(), row.GetField(table.RowKey.Name)!.ToString(), row, ct);
        }

        return rows.Count;
    }
}
