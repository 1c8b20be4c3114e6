using Fluxo.Values;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Fluxo.Support;

/// <summary>
/// What each POST/GET /&lt;handler&gt; does: bind and check the parameters, then run the handler here (front-end tier)
/// or queue it for the worker tier and wait for its journaled result. Answers are the result's JSON; errors are
/// problem details (RFC 9457) that never hold a stack trace.
/// </summary>
public sealed class HandlerEndpoints(FluxoServices services, RequestRunner runner, TraceSink traces, ILogger<HandlerEndpoints> logger)
{
    public const string RequestIdHeader = "X-Request-Id";

    /// <summary>The client a request comes from (an integer), so traces keep sessions for the optimizer's speculation; 0 when absent.</summary>
    public const string ClientIdHeader = "X-Client-Id";

    public async Task PostAsync(HttpContext http, string handler)
    {
        var result = await AnswerAsync(http, handler, async h =>
        {
            using var reader = new StreamReader(http.Request.Body);
            return RequestBinder.FromJson(h, services.Model, await reader.ReadToEndAsync(http.RequestAborted));
        });
        await result.ExecuteAsync(http);
    }

    public async Task GetAsync(HttpContext http, string handler)
    {
        var result = await AnswerAsync(http, handler, h => Task.FromResult(RequestBinder.FromQuery(h, services.Model, http.Request.Query)));
        await result.ExecuteAsync(http);
    }

    private async Task<IResult> AnswerAsync(HttpContext http, string handlerName, Func<HandlerInfo, Task<Value>> bind)
    {
        var arrival = DateTimeOffset.UtcNow;
        var handler = services.Model.Handler(handlerName);
        var id = http.Request.Headers[RequestIdHeader].ToString();
        if (id.Length == 0)
        {
            id = Guid.NewGuid().ToString("N");
        }
        else if (id.Length > 200 || id.Any(char.IsControl))
        {
            return Error(400, "bad_request", "X-Request-Id must be at most 200 printable characters", null);
        }

        http.Response.Headers[RequestIdHeader] = id;
        try
        {
            var args = await bind(handler);
            var traced = traces.Samples(handler, args);
            _ = long.TryParse(http.Request.Headers[ClientIdHeader].ToString(), out var client);
            var (generation, given) = await services.Ahead.TakeAsync(handler.Name, client);
            if (!handler.OnWorker)
            {
                var trace = traced ? new RequestTrace(handler, RequestTrace.IdOf(id), client, arrival) : null;
                var value = await runner.RunDirectAsync(handler, id, args, http.RequestAborted, trace, given);
                SpeculateAfter(http, handler, args, value, client, generation);
                return Answer(handler, value);
            }

            var envelope = traced ? new RequestTrace(handler, RequestTrace.IdOf(id), client, arrival, envelope: true) : null;
            var (answer, result) = await ThroughWorkerAsync(handler, id, args, given, http.RequestAborted);
            if (envelope is not null)
            {
                envelope.Complete();
                traces.Add(envelope, args);
            }

            if (result is not null)
            {
                SpeculateAfter(http, handler, args, result, client, generation);
            }

            return answer;
        }
        catch (BadRequestException e)
        {
            return Error(400, "bad_request", e.Message, e.Parameter);
        }
        catch (FlimpRuntimeException e)
        {
            return Error(422, "handler_failed", e.Message, null);
        }
        catch (HandlerFailedException e)
        {
            return Error(422, "handler_failed", e.Message, null);
        }
        catch (ExternFailedException e)
        {
            return Error(502, "extern_failed", e.Message, null);
        }
        // Storage did not answer after the clients' retries. A worker request may still have been queued or applied: the
        // journal makes a retry with the same id apply it exactly once, so the answer names the id to retry with.
        catch (Exception e) when (DependencyHealth.IsStorageFault(e) && !http.RequestAborted.IsCancellationRequested)
        {
            http.Response.Headers.RetryAfter = "5";
            return Error(503, "storage_unavailable", $"storage is unavailable ({DependencyHealth.Reason(e)}); retry with the same {RequestIdHeader}", null, id);
        }
        catch (Exception e) when (!http.RequestAborted.IsCancellationRequested)
        {
            logger.LogError(e, "request {Id} of {Handler} failed", id, handlerName);
            return Error(500, "internal_error", $"the service failed on request {id}; its log has the details", null, id);
        }
    }

    /// <summary>Once the answer is sent, starts the speculation the policy plans after this handler, for the same client.</summary>
    private void SpeculateAfter(HttpContext http, HandlerInfo handler, Value args, Value result, long client, long generation)
    {
        if (services.Ahead.Speculates)
        {
            http.Response.OnCompleted(() =>
            {
                services.Ahead.Launch(services, handler, args, result, client, generation);
                return Task.CompletedTask;
            });
        }
    }

    private async Task<(IResult Answer, Value? Result)> ThroughWorkerAsync(HandlerInfo handler, string id, Value args, SpeculationEntry? given, CancellationToken ct)
    {
        // The journal answers a request that is already done (a client's retry) without queueing it again.
        var entry = await services.Journal.GetAsync(handler.Name, id, ct);
        if (entry is not { State: JournalEntry.Done })
        {
            // The worker's reply, not a poll of the journal per waiting request, ends the wait (WorkerReplies). A reply too big
            // to carry the result, or none in time (it was lost with a killed worker or a reset storage), means one journal read.
            using var expected = await services.Replies.ExpectAsync(handler.Name, id, ct);
            if (services.Replies.ShouldQueue(handler.Name, id, services.ResultTimeout * 2))
            {
                await services.Queues.SendAsync(new QueuedCall(id, handler.Name, ValueJson.Serialize(args), given, services.Replies.Address), ct);
                services.Replies.Queued(handler.Name, id);
            }

            var reply = await expected.WithinAsync(services.ResultTimeout, ct);
            entry = reply is { Inline: true }
                ? new JournalEntry(JournalEntry.Done, reply.ResultJson, reply.Error, [], default)
                : await services.Journal.GetAsync(handler.Name, id, ct);
            if (entry is not { State: JournalEntry.Done })
            {
                return (Error(504, "timeout", $"no result yet for request {id}; retry with the same {RequestIdHeader}", null), null);
            }
        }

        if (entry.Error is not null)
        {
            return (Error(422, "handler_failed", entry.Error, null), null);
        }

        // The result as a value only when something reads it: an HttpResult answer, or a speculation that guesses from it.
        var http = handler.ReturnType == HttpResult.TypeName;
        var result = http || services.Ahead.Speculates ? ValueJson.Parse(entry.ResultJson ?? "null") : null;
        return (http ? Answer(handler, result!) : Results.Text(entry.ResultJson ?? "null", "application/json"), result);
    }

    /// <summary>A handler declared <c>-&gt; HttpResult</c> chooses its status, headers and body (docs/language.md); others answer JSON.</summary>
    private static IResult Answer(HandlerInfo handler, Value v)
    {
        if (handler.ReturnType != HttpResult.TypeName)
        {
            return Results.Text(ValueJson.Serialize(v), "application/json");
        }

        var answer = HttpResult.Read(v);
        return new HttpAnswerResult(answer);
    }

    private sealed class HttpAnswerResult(HttpAnswer answer) : IResult
    {
        public async Task ExecuteAsync(HttpContext http)
        {
            http.Response.StatusCode = answer.Status;
            foreach (var (name, value) in answer.Headers)
            {
                http.Response.Headers.Append(name, value);
            }

            if (answer.Header("Content-Type") is null)
            {
                http.Response.ContentType = "text/plain; charset=utf-8";
            }

            await http.Response.WriteAsync(answer.Body, http.RequestAborted);
        }
    }

    /// <summary>A problem-details answer; <c>error</c>, <c>message</c> and <c>parameter</c> stay for clients that read them.</summary>
    private static IResult Error(int status, string code, string message, string? parameter, string? requestId = null) =>
        Results.Problem(
            detail: message,
            statusCode: status,
            title: code.Replace('_', ' '),
            extensions: new Dictionary<string, object?> { ["error"] = code, ["message"] = message, ["parameter"] = parameter, ["requestId"] = requestId });
}
