using System.Text.Json;
using Azure.Storage.Queues;

namespace Fluxo.Support;

/// <summary>
/// A queued handler call: the request (or message) id that makes it idempotent, its arguments as JSON, and the client's
/// speculation the front end took for it at arrival, if any (<see cref="AheadStore"/>), and the reply queue of the front end
/// that waits for its result, if one does (<see cref="WorkerReplies"/>).
/// </summary>
public sealed record QueuedCall(string Id, string Handler, string ArgsJson, SpeculationEntry? Given = null, string? ReplyTo = null);

/// <summary>One Azure Storage Queue per worker handler, plus its poison queue.</summary>
public sealed class QueueBus(QueueServiceClient service, ServiceModel model)
{
    public QueueClient Queue(string handler) => service.GetQueueClient(model.QueueName(handler));

    public QueueClient Poison(string handler) => service.GetQueueClient(model.QueueName(handler) + "-poison");

    public async Task EnsureCreatedAsync(CancellationToken ct)
    {
        foreach (var h in model.Handlers.Where(h => h.OnWorker))
        {
            await Queue(h.Name).CreateIfNotExistsAsync(cancellationToken: ct);
            await Poison(h.Name).CreateIfNotExistsAsync(cancellationToken: ct);
        }
    }

    public async Task SendAsync(QueuedCall call, CancellationToken ct) =>
        await Queue(call.Handler).SendMessageAsync(JsonSerializer.Serialize(call), ct);
}
