using Fluxo.Values;
using Microsoft.Extensions.Logging;

namespace Fluxo.Support;

/// <summary>A handler's logic failed (e.g. a field of none): the same input fails the same way, so it is answered, not retried.</summary>
public sealed class HandlerFailedException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Runs handlers. Front-end handlers (no writes, no enqueues) run directly. Worker handlers run journaled:
/// compute, journal the result with the effects (first journal entry per id wins), apply the effects with
/// the row versions that were read, then mark the entry done. A version conflict with another request's
/// write discards the entry and computes again; a replay of a journaled request only re-applies its effects.
/// </summary>
public sealed class RequestRunner(FluxoServices services, TraceSink traces, ILogger<RequestRunner> logger)
{
    private const int MaxConflictRetries = 50;

    public async Task<Value> RunDirectAsync(HandlerInfo handler, string id, Value args, CancellationToken ct, RequestTrace? trace = null, SpeculationEntry? given = null)
    {
        try
        {
            return await handler.Run(new RequestScope(id, services, ct, trace) { Given = given }, args);
        }
        catch (FlimpRuntimeException e)
        {
            throw new HandlerFailedException(e.Message);
        }
        finally
        {
            if (trace is not null)
            {
                trace.Complete();
                traces.Add(trace, args);
            }
        }
    }

    public async Task<JournalEntry> RunJournaledAsync(HandlerInfo handler, string id, Value args, CancellationToken ct, SpeculationEntry? given = null)
    {
        for (var attempt = 0; attempt < MaxConflictRetries; attempt++)
        {
            var existing = await services.Journal.GetAsync(handler.Name, id, ct);
            if (existing is { State: JournalEntry.Done })
            {
                return existing;
            }

            if (existing is not null)
            {
                if (await ApplyAsync(existing, id, ct))
                {
                    await services.Journal.MarkDoneAsync(handler.Name, id, existing, ct);
                    return existing with { State = JournalEntry.Done };
                }

                await services.Journal.DiscardAsync(handler.Name, id, existing.ETag, ct);
                continue;
            }

            // The worker's part of the request's trace: its nodes and edges; the front end's part has arrival and latency.
            var trace = traces.Samples(handler, args) ? new RequestTrace(handler, RequestTrace.IdOf(id), 0, DateTimeOffset.UtcNow) : null;
            var scope = new RequestScope(id, services, ct, trace) { Given = given };
            JournalEntry entry;
            try
            {
                var result = await handler.Run(scope, args);
                if (trace is not null)
                {
                    trace.Complete();
                    traces.Add(trace, args);
                }

                entry = new JournalEntry(JournalEntry.Pending, ValueJson.Serialize(result), null, [.. scope.Effects], default);
            }
            catch (FlimpRuntimeException e)
            {
                entry = new JournalEntry(JournalEntry.Done, null, e.Message, [], default);
            }

            if (!await services.Journal.TryAddAsync(handler.Name, id, entry, ct))
            {
                continue;
            }

            if (entry.State == JournalEntry.Done)
            {
                return entry;
            }

            // Re-read for the entry's version, so a conflict can discard exactly this entry.
            var added = await services.Journal.GetAsync(handler.Name, id, ct) ?? entry;
            if (await ApplyAsync(added, id, ct))
            {
                await services.Journal.MarkDoneAsync(handler.Name, id, added, ct);
                return added with { State = JournalEntry.Done };
            }

            logger.LogInformation("request {Id} of {Handler} lost a version race; computing again", id, handler.Name);
            await services.Journal.DiscardAsync(handler.Name, id, added.ETag, ct);

            // Jitter, so writers racing for one row do not collide again in lockstep.
            await Task.Delay(Random.Shared.Next(1, 10 + (10 * attempt)), ct);
        }

        throw new InvalidOperationException($"request {id} of {handler.Name} kept conflicting with other writers");
    }

    private async Task<bool> ApplyAsync(JournalEntry entry, string id, CancellationToken ct)
    {
        foreach (var effect in entry.Effects)
        {
            var written = effect switch
            {
                PutEffect put => (put.Table, put.PartitionKey),
                DeleteEffect delete => (delete.Table, delete.PartitionKey),
                _ => default((string Table, string Partition)?),
            };
            if (written is not { } w)
            {
                continue;
            }

            // Stamped before and after: a speculation that read this partition meanwhile is never served (AheadStore).
            await services.Ahead.StampAsync(w.Table, w.Partition);
            var applied = effect switch
            {
                PutEffect put => await services.Tables.PutAsync(put, id, ct),
                DeleteEffect delete => await services.Tables.DeleteAsync(delete, ct),
                _ => true,
            };
            await services.Ahead.StampAsync(w.Table, w.Partition);
            if (!applied)
            {
                return false;
            }
        }

        // Enqueues go last: they only leave once every write of the request is in place.
        foreach (var enqueue in entry.Effects.OfType<EnqueueEffect>())
        {
            await services.Queues.SendAsync(new QueuedCall(enqueue.MessageId, enqueue.Handler, enqueue.ArgsJson), ct);
        }

        return true;
    }
}
