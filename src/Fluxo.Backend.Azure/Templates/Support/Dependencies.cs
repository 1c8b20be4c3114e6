using System.Diagnostics;
using System.Net.Sockets;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Fluxo.Support;

/// <summary>
/// What the service knows about its dependencies (storage, Redis) and the one place that logs their outages: a line
/// when a dependency becomes unavailable and one when it is back, never a line per failed call. Storage is watched by
/// <see cref="StorageWatch"/>, a policy in every storage client's pipeline; Redis by its connection's events.
/// </summary>
public sealed class DependencyHealth(ServiceModel model, ILogger<DependencyHealth> logger)
{
    public const string Storage = "storage";
    public const string Redis = "redis";

    /// <summary>Per dependency: up or not, and when the call that showed it started.</summary>
    private readonly Dictionary<string, (bool Up, long Since)> _state = [];
    private readonly SemaphoreSlim _recreating = new(1, 1);
    private long _recreatedAt;

    /// <summary>Creates the service's tables and queues; set once the service's parts exist (they need the storage clients).</summary>
    public Func<CancellationToken, Task>? Recreate { get; set; }

    /// <summary>Whether requests fail without storage: the service keeps tables or has a worker tier (else storage only holds traces).</summary>
    public bool NeedsStorage => model.Tables.Length > 0 || model.Handlers.Any(h => h.OnWorker);

    public bool IsUp(string dependency)
    {
        lock (_state)
        {
            return !_state.TryGetValue(dependency, out var s) || s.Up;
        }
    }

    /// <summary>
    /// Records what a call that started at <paramref name="since"/> (a <see cref="Stopwatch"/> timestamp; now when
    /// omitted) showed; logs only a change of state. A call that started before the one that set the state says
    /// nothing newer (a slow call failing after storage came back is no new outage), so it is ignored.
    /// </summary>
    public void Report(string dependency, bool up, string? reason = null, long? since = null)
    {
        var at = since ?? Stopwatch.GetTimestamp();
        lock (_state)
        {
            var known = _state.TryGetValue(dependency, out var s);
            if (known && at < s.Since)
            {
                return;
            }

            _state[dependency] = (up, at);
            if (known ? s.Up == up : up)
            {
                return;
            }
        }

        if (up)
        {
            logger.LogWarning("recovered: {Dependency} is available again", dependency);
        }
        else
        {
            logger.LogWarning("degraded: {Dependency} is unavailable ({Reason}); {Effect}", dependency, reason ?? "no answer", dependency == Redis
                ? "caches and work ahead are bypassed, answers are computed"
                : NeedsStorage ? "requests that need it are answered 503 after retries" : "traces are not written");
        }
    }

    /// <summary>
    /// Storage answered that a queue or table does not exist: it was reset (an in-memory emulator restarted, an account
    /// recreated). Creates them again, once for all the calls that noticed at the same time.
    /// </summary>
    public async Task<bool> RecreateAsync(string missing, CancellationToken ct)
    {
        if (Recreate is not { } recreate)
        {
            return false;
        }

        var noticed = Stopwatch.GetTimestamp();
        await _recreating.WaitAsync(ct);
        try
        {
            if (Interlocked.Read(ref _recreatedAt) > noticed)
            {
                return true;
            }

            logger.LogWarning("degraded: storage lost its {Missing} (was it reset?); creating the service's tables and queues again", missing);
            await recreate(ct);
            Interlocked.Exchange(ref _recreatedAt, Stopwatch.GetTimestamp());
            return true;
        }
        finally
        {
            _recreating.Release();
        }
    }

    /// <summary>
    /// An exception that means storage could not be reached or did not answer, after the client's own retries: the
    /// request gets a 503, not a 500. The Azure SDK wraps exhausted retries in an <see cref="AggregateException"/>, and
    /// a try that passed its network timeout is a cancellation: callers check their own token before calling this.
    /// </summary>
    public static bool IsStorageFault(Exception e) => e switch
    {
        RequestFailedException => true,
        AggregateException a => a.InnerExceptions.Count > 0 && a.InnerExceptions.All(IsStorageFault),
        HttpRequestException or IOException or SocketException or TimeoutException or OperationCanceledException => true,
        _ => false,
    };

    /// <summary>
    /// GET /healthz: probes storage when requests need it (which also re-creates a reset storage's tables and queues) and
    /// reports Redis's connection. 503 when storage is needed and unavailable; "degraded" (200) when only Redis is down.
    /// </summary>
    public async Task<IResult> AnswerAsync(FluxoServices services, RedisConnection redis)
    {
        if (NeedsStorage)
        {
            // Long enough for the clients' retries of a refused connection (about 6 s), so an outage is seen as one.
            using var probe = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var started = Stopwatch.GetTimestamp();
            try
            {
                await services.Journal.GetAsync("healthz", "probe", probe.Token);
                foreach (var h in model.Handlers.Where(h => h.OnWorker).Take(1))
                {
                    await services.Queues.Queue(h.Name).GetPropertiesAsync(probe.Token);
                }
            }
            catch (Exception e) when (IsStorageFault(e))
            {
                Report(Storage, false, e is OperationCanceledException ? "no answer within 10 s" : Reason(e), started);
            }
        }

        if (redis.Multiplexer is { } mux)
        {
            Report(Redis, mux.IsConnected, "not connected");
        }

        var storage = IsUp(Storage) ? "ok" : "unavailable";
        var cache = redis.Multiplexer is null ? "not configured" : IsUp(Redis) ? "ok" : "unavailable";
        var status = storage == "ok" && cache != "unavailable" ? "ok" : storage != "ok" && NeedsStorage ? "unavailable" : "degraded";
        return Results.Json(
            new { status, service = model.Service, dependencies = new { storage, redis = cache } },
            statusCode: status == "unavailable" ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK);
    }

    /// <summary>The first line of the innermost message: enough to say why, without a stack trace or a URL list.</summary>
    public static string Reason(Exception e)
    {
        while (e is AggregateException { InnerExceptions.Count: > 0 } a)
        {
            e = a.InnerExceptions[^1];
        }

        var text = e.InnerException is { } inner && e is RequestFailedException { Status: 0 } ? inner.Message : e.Message;
        return text.Split('\n')[0].Trim();
    }
}

/// <summary>
/// In every storage client's pipeline, outside its retries: a call that fails after them marks storage unavailable,
/// any answer marks it available, and an answer that the queue or table does not exist re-creates the service's
/// resources and sends the call again.
/// </summary>
public sealed class StorageWatch(DependencyHealth health) : HttpPipelinePolicy
{
    /// <summary>A message property: the call is to a resource another process owns (a front end's reply queue), so a 404 re-creates nothing.</summary>
    public const string ForeignResource = "Fluxo.ForeignResource";

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await ProcessNextAsync(message, pipeline);
            if (Missing(message.Response) is { } missing && !message.TryGetProperty(ForeignResource, out _) && await health.RecreateAsync(missing, message.CancellationToken))
            {
                await ProcessNextAsync(message, pipeline);
            }
        }
        catch (Exception e) when (DependencyHealth.IsStorageFault(e) && !message.CancellationToken.IsCancellationRequested)
        {
            health.Report(DependencyHealth.Storage, false, DependencyHealth.Reason(e), started);
            throw;
        }

        Observe(message.Response, started);
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            ProcessNext(message, pipeline);
        }
        catch (Exception e) when (DependencyHealth.IsStorageFault(e) && !message.CancellationToken.IsCancellationRequested)
        {
            health.Report(DependencyHealth.Storage, false, DependencyHealth.Reason(e), started);
            throw;
        }

        Observe(message.Response, started);
    }

    // A server error (503 server busy, 500) after the retries is an outage too.
    private void Observe(Response response, long started) =>
        health.Report(DependencyHealth.Storage, response.Status < 500, $"HTTP {response.Status}", started);

    /// <summary>"queue" or "table" when the answer says the service's queue or table does not exist.</summary>
    private static string? Missing(Response response)
    {
        if (response.Status != 404)
        {
            return null;
        }

        var code = response.Headers.TryGetValue("x-ms-error-code", out var c) ? c : null;
        // Only a buffered answer can be read twice: the client reads it again after this policy.
        if (code is null && response.ContentStream is MemoryStream { Length: < 4096 })
        {
            var text = response.Content.ToString();
            code = text.Contains("QueueNotFound", StringComparison.Ordinal) ? "QueueNotFound"
                : text.Contains("TableNotFound", StringComparison.Ordinal) ? "TableNotFound" : null;
        }

        return code switch
        {
            "QueueNotFound" => "queue",
            "TableNotFound" => "table",
            _ => null,
        };
    }
}
