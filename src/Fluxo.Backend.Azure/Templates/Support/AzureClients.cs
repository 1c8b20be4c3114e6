using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;
using Azure.Storage.Queues;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Fluxo.Support;

/// <summary>
/// How the service reaches Azure. Deployed, it signs in as its managed identity (<c>AZURE_CLIENT_ID</c> names the
/// user-assigned one) and is given service URIs only: <c>Storage:QueueServiceUri</c>, <c>Storage:TableServiceUri</c>,
/// <c>Storage:BlobServiceUri</c> (traces),
/// <c>Redis:HostName</c> and <c>Redis:UserName</c>. Connection strings (<c>ConnectionStrings:Storage</c>,
/// <c>ConnectionStrings:Redis</c>) are for local Azurite and redis-server, and win when set.
/// </summary>
public static class AzureClients
{
    /// <summary>The Entra scope of Azure Cache for Redis.</summary>
    private const string RedisScope = "https://redis.azure.com/.default";

    public static IServiceCollection AddFluxoAzureClients(this IServiceCollection services, IConfiguration configuration)
    {
        var credential = new DefaultAzureCredential();
        services.AddSingleton<TokenCredential>(credential);
        services.AddSingleton<DependencyHealth>();
        var storage = configuration.GetConnectionString("Storage");
        var queues = configuration["Storage:QueueServiceUri"];
        var tables = configuration["Storage:TableServiceUri"];
        if (string.IsNullOrEmpty(storage) && (string.IsNullOrEmpty(queues) || string.IsNullOrEmpty(tables)))
        {
            throw new InvalidOperationException(
                "Azure Storage is not configured: set Storage:QueueServiceUri and Storage:TableServiceUri (managed identity), "
                + "or ConnectionStrings:Storage for local Azurite (appsettings.Development.json does, with ASPNETCORE_ENVIRONMENT=Development)");
        }

        services.AddAzureClients(clients =>
        {
            var queueClient = string.IsNullOrEmpty(storage) ? clients.AddQueueServiceClient(new Uri(queues!)) : clients.AddQueueServiceClient(storage);
            queueClient.ConfigureOptions(o => o.MessageEncoding = QueueMessageEncoding.Base64);
            var blobs = configuration["Storage:BlobServiceUri"];
            if (string.IsNullOrEmpty(storage))
            {
                clients.AddTableServiceClient(new Uri(tables!));
                if (!string.IsNullOrEmpty(blobs))
                {
                    clients.AddBlobServiceClient(new Uri(blobs));
                }
            }
            else
            {
                clients.AddTableServiceClient(storage);
                clients.AddBlobServiceClient(storage);
            }

            clients.UseCredential(credential);
            // A storage that stops answering (rather than refusing) must not hold a request for the SDK's 100 s per try.
            var timeout = TimeSpan.FromSeconds(configuration.GetValue("Fluxo:StorageTimeoutSeconds", 10.0));
            clients.ConfigureDefaults((options, sp) =>
            {
                options.Retry.NetworkTimeout = timeout;
                options.AddPolicy(new StorageWatch(sp.GetRequiredService<DependencyHealth>()), HttpPipelinePosition.PerCall);
            });
        });

        var redis = configuration.GetConnectionString("Redis");
        var host = configuration["Redis:HostName"];
        if (!string.IsNullOrEmpty(redis))
        {
            services.AddSingleton(sp => new RedisConnection(ConnectRedis(ConfigurationOptions.Parse(redis), sp.GetRequiredService<DependencyHealth>())));
        }
        else if (!string.IsNullOrEmpty(host))
        {
            var user = configuration["Redis:UserName"] ?? throw new InvalidOperationException("Redis:HostName is set but Redis:UserName (the identity's object id) is not");
            var options = ConfigurationOptions.Parse(host);
            options.Ssl = true;
            options.User = user;
            services.AddSingleton(sp =>
            {
                options.Password = credential.GetToken(new TokenRequestContext([RedisScope]), CancellationToken.None).Token;
                return new RedisConnection(ConnectRedis(options, sp.GetRequiredService<DependencyHealth>()));
            });
            services.AddHostedService(sp => new RedisTokenRenewal(sp.GetRequiredService<RedisConnection>(), options, credential, sp.GetRequiredService<ILogger<RedisTokenRenewal>>()));
        }
        else
        {
            services.AddSingleton(new RedisConnection(null));
        }

        return services;
    }

    // Short timeouts and no abort on connect failure: a missing Redis must only make requests slower. Its connection's
    // events say when it goes and comes back (one log line each, in DependencyHealth).
    private static IConnectionMultiplexer ConnectRedis(ConfigurationOptions options, DependencyHealth health)
    {
        options.AbortOnConnectFail = false;
        options.ConnectTimeout = Math.Min(options.ConnectTimeout, 2000);
        options.AsyncTimeout = Math.Min(options.AsyncTimeout, 1000);
        options.SyncTimeout = Math.Min(options.SyncTimeout, 1000);
        var mux = ConnectionMultiplexer.Connect(options);
        mux.ConnectionFailed += (_, e) => health.Report(DependencyHealth.Redis, false, e.Exception?.Message.Split('\n')[0] ?? e.FailureType.ToString());
        mux.ConnectionRestored += (_, _) => health.Report(DependencyHealth.Redis, true);
        health.Report(DependencyHealth.Redis, mux.IsConnected, "no connection at start");
        return mux;
    }

    /// <summary>
    /// Entra tokens expire within hours and Redis closes connections whose token has expired: sign every connection
    /// in again with a fresh token well before that, and keep it in the multiplexer's options (not cloned on connect)
    /// as the password of every reconnect.
    /// </summary>
    private sealed class RedisTokenRenewal(RedisConnection redis, ConfigurationOptions options, TokenCredential credential, ILogger<RedisTokenRenewal> logger) : BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var token = await credential.GetTokenAsync(new TokenRequestContext([RedisScope]), stoppingToken);
                var wait = token.ExpiresOn - DateTimeOffset.UtcNow - TimeSpan.FromMinutes(5);
                await Task.Delay(wait > TimeSpan.FromMinutes(1) ? wait : TimeSpan.FromMinutes(1), stoppingToken);
                token = await credential.GetTokenAsync(new TokenRequestContext([RedisScope]), stoppingToken);
                options.Password = token.Token;
                foreach (var server in redis.Multiplexer?.GetServers().Where(s => s.IsConnected) ?? [])
                {
                    try
                    {
                        await server.ExecuteAsync("AUTH", options.User!, token.Token);
                    }
                    catch (RedisException e)
                    {
                        logger.LogWarning("Redis sign-in renewal failed on {Server}: {Message}", server.EndPoint, e.Message);
                    }
                }
            }
        }
    }
}
