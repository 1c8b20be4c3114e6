using Fluxo.Runtime.Caching;
using Fluxo.TestSupport;
using StackExchange.Redis;

namespace Fluxo.Runtime.Tests;

public sealed class RedisFixture : IDisposable
{
    public RedisFixture()
    {
        Connection = ConnectionMultiplexer.Connect(Server.ConnectionString);
    }

    public RedisServer Server { get; } = new();

    public ConnectionMultiplexer Connection { get; }

    public void Dispose()
    {
        Connection.Dispose();
        Server.Dispose();
    }
}

/// <summary>The cache tests again, with values in a real redis-server.</summary>
[Trait("Backend", "Redis")]
public sealed class RedisCacheTests(RedisFixture redis) : CacheTests, IClassFixture<RedisFixture>
{
    protected override ICacheFactory Factory { get; } = new RedisCacheFactory(redis.Connection, "t" + Guid.NewGuid().ToString("N")[..8]);
}
