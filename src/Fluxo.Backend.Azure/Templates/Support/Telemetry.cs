using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Azure.Core;
using Azure.Monitor.OpenTelemetry.Exporter;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Fluxo.Trace;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Fluxo.Support;

/// <summary>
/// OpenTelemetry for the service: a span per request and per node (attributes name the handler, node, cache and
/// whether the cache hit), and metrics for cache hits and misses, evictions and queue depth. Export goes over OTLP when
/// the standard OTEL_EXPORTER_OTLP_* variables name an endpoint, and to Azure Monitor when
/// APPLICATIONINSIGHTS_CONNECTION_STRING is set (signing in as the service's identity). With neither, spans are not recorded.
/// </summary>
public static class FluxoTelemetry
{
    public const string SourceName = "Fluxo.Service";

    private const string EdgesProperty = "fluxo.edges";

    private static readonly ActivitySource Source = new(SourceName);
    private static readonly Meter Meter = new(SourceName);
    private static readonly Counter<long> CacheLookups = Meter.CreateCounter<long>("fluxo.cache.lookups", description: "cache lookups, by cache and hit (true or false)");
    private static readonly Counter<long> CacheEvictions = Meter.CreateCounter<long>("fluxo.cache.evictions", description: "entries evicted to keep a cache within its byte budget");
    private static readonly Counter<long> AheadOutcomes = Meter.CreateCounter<long>("fluxo.ahead", description: "pre-computed and speculated parts: served, computed (the store had nothing usable), stored, wasted");
    private static readonly ConcurrentDictionary<string, long> QueueDepths = new();

    static FluxoTelemetry()
    {
        Meter.CreateObservableGauge("fluxo.queue.depth", () => QueueDepths.Select(q => new Measurement<long>(q.Value, new KeyValuePair<string, object?>("fluxo.queue", q.Key))), description: "approximate messages waiting in each worker queue");
    }

    /// <summary>Runs one request of <paramref name="handler"/> inside its span, which names the graph so an export can be optimized.</summary>
    public static async Task<T> RunRequest<T>(string service, string handler, string graphHash, int graphNodes, string requestId, Func<Task<T>> run)
    {
        using var a = Source.StartActivity("request " + handler, ActivityKind.Internal);
        a?.SetTag(OtlpSpans.Handler, handler);
        a?.SetTag(OtlpSpans.GraphHash, graphHash);
        a?.SetTag(OtlpSpans.GraphNodes, graphNodes);
        a?.SetTag(OtlpSpans.Service, service);
        a?.SetTag(OtlpSpans.Clock, "real");
        a?.SetTag(OtlpSpans.RequestId, requestId);
        try
        {
            return await run();
        }
        catch (Exception e)
        {
            a?.SetStatus(ActivityStatusCode.Error, e.Message);
            throw;
        }
    }

    /// <summary>Runs one node of a handler inside its own span.</summary>
    public static async Task<T> RunNode<T>(string handler, int node, string kind, Func<Task<T>> run)
    {
        using var a = Source.StartActivity(handler + " node " + node, ActivityKind.Internal);
        a?.SetTag(OtlpSpans.Handler, handler);
        a?.SetTag(OtlpSpans.Node, node);
        a?.SetTag(OtlpSpans.NodeKind, kind);
        try
        {
            return await run();
        }
        catch (Exception e)
        {
            a?.SetStatus(ActivityStatusCode.Error, e.Message);
            throw;
        }
        finally
        {
            if (a?.GetCustomProperty(EdgesProperty) is List<(int From, ulong Hash, int Bytes)> edges)
            {
                lock (edges)
                {
                    a.SetTag(OtlpSpans.EdgesFrom, edges.Select(e => (long)e.From).ToArray());
                    a.SetTag(OtlpSpans.EdgesHash, edges.Select(e => OtlpSpans.HashText(e.Hash)).ToArray());
                    a.SetTag(OtlpSpans.EdgesBytes, edges.Select(e => (long)e.Bytes).ToArray());
                }
            }
        }
    }

    /// <summary>A value that reached the current node from node <paramref name="from"/>: its hash and size go on the node's span.</summary>
    public static Fluxo.Values.Value Edge(int from, Fluxo.Values.Value value)
    {
        if (Activity.Current is { IsAllDataRequested: true } a)
        {
            var edges = a.GetCustomProperty(EdgesProperty) as List<(int, ulong, int)>;
            if (edges is null)
            {
                a.SetCustomProperty(EdgesProperty, edges = []);
            }

            // An input used twice in the node's expression is still one edge.
            var edge = (from, value.StableHash, value.ByteSize);
            lock (edges)
            {
                if (!edges.Contains(edge))
                {
                    edges.Add(edge);
                }
            }
        }

        return value;
    }

    /// <summary>The current node's guard was false: it yields none without running.</summary>
    public static void Skipped() => Activity.Current?.SetTag(OtlpSpans.NodeStatus, "skipped");

    /// <summary>The span of one cache lookup; the caller reports hit or miss with <see cref="CacheResult"/>.</summary>
    public static Activity? StartCache(string cacheId)
    {
        var a = Source.StartActivity("cache " + cacheId, ActivityKind.Internal);
        a?.SetTag(OtlpSpans.Cache, cacheId);
        a?.SetTag(OtlpSpans.Handler, HandlerInScope());
        return a;
    }

    public static void CacheResult(Activity? span, string cacheId, bool hit)
    {
        span?.SetTag(OtlpSpans.CacheHit, hit);
        CacheLookups.Add(1, new KeyValuePair<string, object?>(OtlpSpans.Cache, cacheId), new KeyValuePair<string, object?>(OtlpSpans.CacheHit, hit));
    }

    public static void Evicted(string cacheId, long count)
    {
        if (count > 0)
        {
            CacheEvictions.Add(count, new KeyValuePair<string, object?>(OtlpSpans.Cache, cacheId));
        }
    }

    /// <summary>What became of a pre-computed or speculated part (<paramref name="outcome"/>: served, computed, stored, wasted).</summary>
    public static void Ahead(string partId, string outcome) =>
        AheadOutcomes.Add(1, new KeyValuePair<string, object?>("fluxo.part", partId), new KeyValuePair<string, object?>("fluxo.outcome", outcome));

    /// <summary>The handler whose request or node span encloses the current one.</summary>
    private static object? HandlerInScope()
    {
        for (var a = Activity.Current?.Parent; a is not null; a = a.Parent)
        {
            if (a.GetTagItem(OtlpSpans.Handler) is { } h)
            {
                return h;
            }
        }

        return null;
    }

    public static IServiceCollection AddFluxoTelemetry(this IServiceCollection services, IConfiguration configuration, ServiceModel model)
    {
        var otlp = !string.IsNullOrEmpty(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"])
            || !string.IsNullOrEmpty(configuration["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"]);
        var azureMonitor = configuration["APPLICATIONINSIGHTS_CONNECTION_STRING"];
        if (!otlp && string.IsNullOrEmpty(azureMonitor))
        {
            return services;
        }

        if (model.Handlers.Any(h => h.OnWorker))
        {
            services.AddHostedService<QueueDepthSampler>();
        }

        services.AddOpenTelemetry()
            .ConfigureResource(r =>
            {
                if (string.IsNullOrEmpty(configuration["OTEL_SERVICE_NAME"]))
                {
                    r.AddService(model.Prefix);
                }
            })
            .WithTracing(t =>
            {
                t.AddSource(SourceName).AddAspNetCoreInstrumentation().AddHttpClientInstrumentation();
                if (otlp)
                {
                    t.AddOtlpExporter();
                }

                if (!string.IsNullOrEmpty(azureMonitor))
                {
                    t.AddAzureMonitorTraceExporter(o => ConfigureAzureMonitor(o, azureMonitor, services));
                }
            })
            .WithMetrics(m =>
            {
                m.AddMeter(SourceName).AddAspNetCoreInstrumentation().AddHttpClientInstrumentation();
                if (otlp)
                {
                    m.AddOtlpExporter();
                }

                if (!string.IsNullOrEmpty(azureMonitor))
                {
                    m.AddAzureMonitorMetricExporter(o => ConfigureAzureMonitor(o, azureMonitor, services));
                }
            });
        return services;
    }

    // Application Insights with local auth off takes telemetry only from an identity with the publisher role.
    private static void ConfigureAzureMonitor(AzureMonitorExporterOptions o, string connectionString, IServiceCollection services)
    {
        o.ConnectionString = connectionString;
        if (services.RegisteredCredential() is { } credential)
        {
            o.Credential = credential;
        }
    }

    private static TokenCredential? RegisteredCredential(this IServiceCollection services) =>
        services.FirstOrDefault(d => d.ServiceType == typeof(TokenCredential))?.ImplementationInstance as TokenCredential;

    /// <summary>Reads each worker queue's approximate length for the queue-depth gauge (gauges are read synchronously).</summary>
    private sealed class QueueDepthSampler(QueueBus queues, ServiceModel model) : BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                foreach (var h in model.Handlers.Where(h => h.OnWorker))
                {
                    try
                    {
                        QueueClient q = queues.Queue(h.Name);
                        var props = await q.GetPropertiesAsync(stoppingToken);
                        QueueDepths[q.Name] = props.Value.ApproximateMessagesCount;
                    }
                    catch (Azure.RequestFailedException)
                    {
                        // The queue may not exist yet; the next round tries again.
                    }
                }

                await Task.Delay(TimeSpan.FromSeconds(5), stoppingToken);
            }
        }
    }
}
