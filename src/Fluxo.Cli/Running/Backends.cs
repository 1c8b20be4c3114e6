using Azure.Data.Tables;
using Azure.Storage.Queues;
using Fluxo.Runtime.Caching;
using Fluxo.Runtime.Queues;
using Fluxo.Runtime.Tables;
using StackExchange.Redis;

namespace Fluxo.Cli.Running;

/// <summary>The pluggable parts `fluxo run` uses: embedded defaults unless Azure Storage or Redis is given.</summary>
internal sealed class Backends : IAsyncDisposable
{
    private ConnectionMultiplexer? _redis;

    public ITableStore Tables { get; private init; } = new InMemoryTableStore();

    public IMessageQueue Queue { get; private init; } = new InProcessQueue();

    public ICacheFactory Caches { get; private set; } = new InProcessCacheFactory();

    public static async Task<Backends> CreateAsync(RunArgs args, CancellationToken ct)
    {
        var b = args.AzureStorage is { } conn
            ? new Backends
            {
                Tables = new AzureTableStore(new TableServiceClient(conn)),
                Queue = new AzureStorageQueue(new QueueClient(conn, "fluxo-calls")),
            }
            : new Backends();
        if (args.Redis is { } redis)
        {
            b._redis = await ConnectionMultiplexer.ConnectAsync(redis);
            b.Caches = new RedisCacheFactory(b._redis, "fluxo:" + Guid.NewGuid().ToString("N")[..8]);
        }

        ct.ThrowIfCancellationRequested();
        return b;
    }

    public async ValueTask DisposeAsync()
    {
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
    }
}
