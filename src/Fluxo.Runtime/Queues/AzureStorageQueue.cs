using System.Text.Json;
using Azure.Storage.Queues;
using Fluxo.Values;

namespace Fluxo.Runtime.Queues;

/// <summary>Queued calls in an Azure Storage Queue (or Azurite): one JSON message per call, deleted once received.</summary>
public sealed class AzureStorageQueue : IMessageQueue
{
    private readonly QueueClient _client;
    private readonly Lazy<Task> _created;

    public AzureStorageQueue(QueueClient client)
    {
        _client = client;
        _created = new Lazy<Task>(() => _client.CreateIfNotExistsAsync());
    }

    public bool Simulated => false;

    public async ValueTask SendAsync(QueuedCall call, CancellationToken ct)
    {
        await _created.Value.ConfigureAwait(false);
        var message = JsonSerializer.Serialize(new Message(call.Handler, ValueJson.Serialize(call.Args), call.Client, call.SentAtMs));
        await _client.SendMessageAsync(message, ct).ConfigureAwait(false);
    }

    public async ValueTask<IReadOnlyList<QueuedCall>> ReceiveAsync(int max, CancellationToken ct)
    {
        await _created.Value.ConfigureAwait(false);
        var received = await _client.ReceiveMessagesAsync(Math.Clamp(max, 1, 32), cancellationToken: ct).ConfigureAwait(false);
        var calls = new List<QueuedCall>();
        foreach (var m in received.Value)
        {
            var msg = JsonSerializer.Deserialize<Message>(m.MessageText);
            if (msg is not null)
            {
                calls.Add(new QueuedCall(msg.Handler, ValueJson.Parse(msg.Args), msg.Client, msg.SentAtMs));
            }

            await _client.DeleteMessageAsync(m.MessageId, m.PopReceipt, ct).ConfigureAwait(false);
        }

        return calls;
    }

    private sealed record Message(string Handler, string Args, long Client, double SentAtMs);
}
