using System.Text.Json;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Fluxo.Values;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Fluxo.Support;

/// <summary>
/// Runs one worker handler's queue. A message is deleted only after its request is journaled done (result stored,
/// effects applied) and the front end waiting for it, if any, is told; a failure leaves it to reappear after the visibility timeout; after
/// <see cref="FluxoServices.MaxDequeueCount"/> tries it moves to the poison queue. Up to <see cref="MaxInFlight"/>
/// messages run at once, and a free slot is filled at once: waiting for a whole batch would let its slowest message
/// (an extern's retries, a slow storage call) hold the others' slots, and the queue falls behind exactly when calls slow down.
/// </summary>
public sealed class QueueWorker(string handlerName, FluxoServices services, RequestRunner runner, ILogger<QueueWorker> logger) : BackgroundService
{
    private const int BatchSize = 16;
    private const int MaxInFlight = 32;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var handler = services.Model.Handler(handlerName);
        var queue = services.Queues.Queue(handlerName);
        var slots = new SemaphoreSlim(MaxInFlight, MaxInFlight);
        var running = new List<Task>();
        try
        {
            await ReceiveAsync(handler, queue, slots, running, stoppingToken);
        }
        finally
        {
            // Stopping: the messages in hand finish, or give up on the token (they reappear after the visibility timeout).
            try
            {
                await Task.WhenAll(running);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    private async Task ReceiveAsync(HandlerInfo handler, QueueClient queue, SemaphoreSlim slots, List<Task> running, CancellationToken stoppingToken)
    {
        var idle = TimeSpan.FromMilliseconds(50);
        while (!stoppingToken.IsCancellationRequested)
        {
            await slots.WaitAsync(stoppingToken);
            var free = 1;
            while (free < BatchSize && slots.Wait(0))
            {
                free++;
            }

            QueueMessage[] messages;
            try
            {
                messages = (await queue.ReceiveMessagesAsync(free, services.VisibilityTimeout, stoppingToken)).Value;
            }
            // Exhausted retries arrive as an AggregateException; the outage itself is logged once, by DependencyHealth.
            catch (Exception e) when (DependencyHealth.IsStorageFault(e) && !stoppingToken.IsCancellationRequested)
            {
                slots.Release(free);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
                continue;
            }

            if (free > messages.Length)
            {
                slots.Release(free - messages.Length);
            }

            if (messages.Length == 0)
            {
                await Task.Delay(idle, stoppingToken);
                idle = TimeSpan.FromMilliseconds(Math.Min(idle.TotalMilliseconds * 2, 1000));
                continue;
            }

            idle = TimeSpan.FromMilliseconds(50);
            running.RemoveAll(t => t.IsCompleted);
            running.AddRange(messages.Select(async m =>
            {
                try
                {
                    await HandleAsync(handler, queue, m, stoppingToken);
                }
                finally
                {
                    slots.Release();
                }
            }));
        }
    }

    private async Task HandleAsync(HandlerInfo handler, QueueClient queue, QueueMessage message, CancellationToken ct)
    {
        try
        {
            var call = message.DequeueCount > services.MaxDequeueCount ? null : Parse(message);
            if (call is null)
            {
                await services.Queues.Poison(handler.Name).SendMessageAsync(message.Body, cancellationToken: ct);
                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, ct);
                logger.LogError("message {Id} moved to the poison queue after {Count} tries", message.MessageId, message.DequeueCount);
                return;
            }

            var entry = await runner.RunJournaledAsync(handler, call.Id, ValueJson.Parse(call.ArgsJson), ct, call.Given);
            await services.Replies.SendAsync(call, entry, ct);
            await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, ct);
        }
        catch (Exception e) when (!ct.IsCancellationRequested && DependencyHealth.IsStorageFault(e))
        {
            logger.LogDebug("message {Id} of {Handler} waits for storage (try {Count}): {Message}", message.MessageId, handler.Name, message.DequeueCount, DependencyHealth.Reason(e));
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            logger.LogWarning("message {Id} of {Handler} failed (try {Count}): {Message}", message.MessageId, handler.Name, message.DequeueCount, e.Message);
        }
    }

    private static QueuedCall? Parse(QueueMessage message)
    {
        try
        {
            return JsonSerializer.Deserialize<QueuedCall>(message.Body.ToString());
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
