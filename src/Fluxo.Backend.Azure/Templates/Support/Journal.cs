using System.Text.Json;
using Azure;
using Azure.Data.Tables;

namespace Fluxo.Support;

/// <summary>A request's journal entry: its result and the effects it decided on, pending until they are applied.</summary>
public sealed record JournalEntry(string State, string? ResultJson, string? Error, List<Effect> Effects, ETag ETag)
{
    public const string Pending = "pending";
    public const string Done = "done";
}

/// <summary>
/// One row per request id (partition = handler): what makes a handler safe to run twice. The first attempt
/// to add the pending row wins; later attempts replay its effects instead of computing again.
/// </summary>
public sealed class Journal(TableServiceClient service, ServiceModel model)
{
    private readonly TableClient _table = service.GetTableClient(model.Prefix + "journal");

    public Task EnsureCreatedAsync(CancellationToken ct) => _table.CreateIfNotExistsAsync(ct);

    public async Task<JournalEntry?> GetAsync(string handler, string id, CancellationToken ct)
    {
        var r = await _table.GetEntityIfExistsAsync<TableEntity>(handler, TableStore.EncodeKey(Fluxo.Values.Value.String(id)), cancellationToken: ct);
        if (!r.HasValue || r.Value is not { } e)
        {
            return null;
        }

        var effects = JsonSerializer.Deserialize<List<Effect>>(e.GetString("Effects") ?? "[]") ?? [];
        return new JournalEntry(e.GetString("State") ?? JournalEntry.Pending, e.GetString("Result"), e.GetString("Error"), effects, e.ETag);
    }

    /// <summary>Adds the entry; false when another attempt already journaled this request.</summary>
    public async Task<bool> TryAddAsync(string handler, string id, JournalEntry entry, CancellationToken ct)
    {
        try
        {
            await _table.AddEntityAsync(ToEntity(handler, id, entry), ct);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return false;
        }
    }

    public async Task MarkDoneAsync(string handler, string id, JournalEntry entry, CancellationToken ct) =>
        await _table.UpsertEntityAsync(ToEntity(handler, id, entry with { State = JournalEntry.Done, Effects = [] }), TableUpdateMode.Replace, ct);

    /// <summary>Drops a pending entry whose effects lost a version race, so the request is computed again.</summary>
    public async Task DiscardAsync(string handler, string id, ETag etag, CancellationToken ct)
    {
        try
        {
            await _table.DeleteEntityAsync(handler, TableStore.EncodeKey(Fluxo.Values.Value.String(id)), etag, ct);
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
        }
    }

    private static TableEntity ToEntity(string handler, string id, JournalEntry entry)
    {
        var e = new TableEntity(handler, TableStore.EncodeKey(Fluxo.Values.Value.String(id)))
        {
            ["State"] = entry.State,
            ["Effects"] = JsonSerializer.Serialize(entry.Effects),
        };
        if (entry.ResultJson is not null)
        {
            e["Result"] = entry.ResultJson;
        }

        if (entry.Error is not null)
        {
            e["Error"] = entry.Error;
        }

        return e;
    }
}
