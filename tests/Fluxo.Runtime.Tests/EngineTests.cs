using Fluxo.Runtime.Engine;
using Fluxo.TestSupport;
using Fluxo.Trace;
using Fluxo.Values;

namespace Fluxo.Runtime.Tests;

public class EngineTests
{
    [Fact]
    public async Task OneWeatherRequestByIpPrintsThePage()
    {
        var engine = WeatherEngine.Create(new EngineOptions { Trace = true });
        var r = await engine.RunAsync("weather", WeatherIr.Request("131.107.0.1", ""), new RequestInfo(1, 1, 0));
        Assert.True(r.Succeeded, r.Error);
        Assert.StartsWith("<p>Redmond: ", r.Value!.AsString);
        Assert.EndsWith("</p>", r.Value.AsString);
        var nodes = r.Trace!.Nodes.ToDictionary(n => n.Node);
        Assert.Equal(NodeStatus.Skipped, nodes[WeatherIr.ZipToWeather].Status);
        Assert.Equal(NodeStatus.Ran, nodes[WeatherIr.CityToWeather].Status);
        // Virtual time: the latency is the critical path ipToCity -> cityToWeather.
        var expected = nodes[WeatherIr.IpToCity].SelfMs + nodes[WeatherIr.CityToWeather].SelfMs + nodes[WeatherIr.BuildHtml].SelfMs;
        Assert.Equal(expected, r.LatencyMs, 6);
    }

    [Fact]
    public async Task ZipTakesTheOtherBranchOnly()
    {
        var engine = WeatherEngine.Create(new EngineOptions { Trace = true });
        var r = await engine.RunAsync("weather", WeatherIr.Request("131.107.0.1", "98052"), new RequestInfo(2, 1, 0));
        Assert.True(r.Succeeded, r.Error);
        Assert.StartsWith("<p>ZIP 98052: ", r.Value!.AsString);
        var nodes = r.Trace!.Nodes.ToDictionary(n => n.Node);
        Assert.Equal(NodeStatus.Skipped, nodes[WeatherIr.IpToCity].Status);
        Assert.Equal(NodeStatus.Skipped, nodes[WeatherIr.CityToWeather].Status);
        Assert.DoesNotContain(r.Trace.Edges, e => e.To == WeatherIr.CityToWeather);
    }

    [Fact]
    public async Task VirtualAndRealClocksGiveTheSameAnswer()
    {
        var virt = WeatherEngine.Create(new EngineOptions { Clock = ClockMode.Virtual });
        var real = WeatherEngine.Create(new EngineOptions { Clock = ClockMode.Real });
        foreach (var (ip, zip, id) in new[] { ("18.9.22.1", "", 1L), ("10.1.2.3", "02139", 2L) })
        {
            var a = await virt.RunAsync("weather", WeatherIr.Request(ip, zip), new RequestInfo(id, 1, 0));
            var b = await real.RunAsync("weather", WeatherIr.Request(ip, zip), new RequestInfo(id, 1, 0));
            Assert.Equal(a.Value, b.Value);
            Assert.True(b.LatencyMs >= a.LatencyMs * 0.9, $"real {b.LatencyMs} virtual {a.LatencyMs}");
        }
    }

    [Fact]
    public async Task VirtualRunsAreReproducible()
    {
        var a = WeatherEngine.Create(new EngineOptions { Seed = 7 });
        var b = WeatherEngine.Create(new EngineOptions { Seed = 7 });
        var c = WeatherEngine.Create(new EngineOptions { Seed = 8 });
        var ra = await a.RunAsync("weather", WeatherIr.Request("1.1.1.1", ""), new RequestInfo(5, 1, 0));
        var rb = await b.RunAsync("weather", WeatherIr.Request("1.1.1.1", ""), new RequestInfo(5, 1, 0));
        var rc = await c.RunAsync("weather", WeatherIr.Request("1.1.1.1", ""), new RequestInfo(5, 1, 0));
        Assert.Equal(ra.LatencyMs, rb.LatencyMs);
        Assert.NotEqual(ra.LatencyMs, rc.LatencyMs);
    }

    [Fact]
    public async Task AFailureInServiceLogicIsAnErrorResult()
    {
        var engine = WeatherEngine.Create();
        var r = await engine.RunAsync("weather", Value.Record([new("ip", Value.String("1.1.1.1"))]), new RequestInfo(1, 1, 0));
        Assert.False(r.Succeeded);
        Assert.Null(r.Value);
    }
}
