using System.Net.Sockets;
using Fluxo.TestSupport;

namespace Fluxo.Core.Tests;

/// <summary>The real servers other tests rely on start on free loopback ports and stop cleanly.</summary>
public sealed class LocalServersTests
{
    [Fact]
    public void RedisStartsAnswersAndStops()
    {
        int port;
        using (var redis = new RedisServer())
        {
            port = redis.Port;
            using var c = new TcpClient("127.0.0.1", port);
            var s = c.GetStream();
            s.Write("PING\r\n"u8);
            var buf = new byte[16];
            var n = s.Read(buf);
            Assert.Equal("+PONG", System.Text.Encoding.ASCII.GetString(buf, 0, n).Trim());
        }

        Assert.False(Ports.IsOpen(port));
    }

    [Fact]
    public void AzuriteStartsAndStops()
    {
        int port;
        using (var azurite = new AzuriteServer())
        {
            port = azurite.TablePort;
            Assert.True(Ports.IsOpen(azurite.QueuePort));
            Assert.Contains($"127.0.0.1:{azurite.TablePort}", azurite.ConnectionString);
        }

        Assert.False(Ports.IsOpen(port));
    }
}
