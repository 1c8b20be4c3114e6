using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Fluxo.Support;

/// <summary>The service's parts, built once from configuration (connection strings never come from code).</summary>
public sealed class FluxoServices(
    ServiceModel model,
    ExternClient externs,
    TableStore tables,
    CacheStore caches,
    QueueBus queues,
    Journal journal,
    AheadStore ahead,
    WorkerReplies replies,
    IConfiguration configuration)
{
    public ServiceModel Model => model;
    public ExternClient Externs => externs;
    public TableStore Tables => tables;
    public CacheStore Caches => caches;
    public QueueBus Queues => queues;
    public Journal Journal => journal;
    public AheadStore Ahead => ahead;
    public WorkerReplies Replies => replies;

    /// <summary>How often a message may be tried before it goes to the poison queue.</summary>
    public int MaxDequeueCount => configuration.GetValue("Fluxo:MaxDequeueCount", 5);

    /// <summary>How long a received message stays invisible: a worker that dies gives its work back after this.</summary>
    public TimeSpan VisibilityTimeout => TimeSpan.FromSeconds(configuration.GetValue("Fluxo:VisibilityTimeoutSeconds", 30));

    /// <summary>How long the front end waits for a worker's result before answering 504 (the client may retry with the same X-Request-Id).</summary>
    public TimeSpan ResultTimeout => TimeSpan.FromSeconds(configuration.GetValue("Fluxo:ResultTimeoutSeconds", 60));

    public async Task EnsureCreatedAsync(CancellationToken ct)
    {
        await tables.EnsureCreatedAsync(ct);
        await journal.EnsureCreatedAsync(ct);
        await queues.EnsureCreatedAsync(ct);
        await replies.EnsureCreatedAsync(ct);
    }
}

/// <summary>The Redis connection, or none when no Redis is configured (then nothing is cached).</summary>
public sealed record RedisConnection(IConnectionMultiplexer? Multiplexer);

/// <summary>Registers the service's parts; both deployables call it.</summary>
public static class FluxoSetup
{
    public static IServiceCollection AddFluxo(this IServiceCollection services, IConfiguration configuration, ServiceModel model)
    {
        services.AddSingleton(model);
        services.AddFluxoAzureClients(configuration);
        services.AddSingleton<ExternClient>();
        services.AddSingleton<TableStore>();
        services.AddSingleton<CacheStore>();
        services.AddSingleton<AheadStore>();
        services.AddSingleton<QueueBus>();
        services.AddSingleton<Journal>();
        services.AddSingleton<WorkerReplies>();
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<WorkerReplies>());
        services.AddSingleton<FluxoServices>();
        services.AddSingleton<RequestRunner>();
        services.AddSingleton<TraceSink>();
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<TraceSink>());
        return services;
    }

    /// <summary>
    /// Creates tables and queues, then maps /healthz. Storage that is down at start is not fatal: the service answers
    /// 503 meanwhile, and the first call that finds a queue or table missing creates them (<see cref="StorageWatch"/>).
    /// </summary>
    public static async Task UseFluxoAsync(this WebApplication app)
    {
        var fluxo = app.Services.GetRequiredService<FluxoServices>();
        var health = app.Services.GetRequiredService<DependencyHealth>();
        health.Recreate = fluxo.EnsureCreatedAsync;
        try
        {
            await fluxo.EnsureCreatedAsync(CancellationToken.None);
        }
        catch (Exception e) when (DependencyHealth.IsStorageFault(e))
        {
            health.Report(DependencyHealth.Storage, false, DependencyHealth.Reason(e));
        }

        var redis = app.Services.GetRequiredService<RedisConnection>();
        app.MapGet("/healthz", () => health.AnswerAsync(fluxo, redis));
    }
}
