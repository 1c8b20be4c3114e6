using System.Text;
using Fluxo.TestSupport;
using Fluxo.Values;

namespace Fluxo.Backend.Azure.Tests;

/// <summary>
/// Two builds of the weather service on one redis-server, the second with its caches in another order (its cache 0
/// is the by-zip cache, the first build's cache 0 the by-IP one). Keyed by position, the second build answered by-zip
/// requests with the first build's by-IP entries; keyed by graph hash and node set it answers them right, and still
/// shares the by-IP entries, which mean the same thing in both builds.
/// </summary>
[Collection("generated")]
public class RedeployTests(BuiltSolutions built)
{
    [Fact]
    public async Task ARedeployWithReorderedCachesNeverReadsAnotherCachesEntries()
    {
        Assert.True(built.Weather.ExitCode == 0, built.Weather.BuildLog);
        Assert.True(built.WeatherReordered.ExitCode == 0, built.WeatherReordered.BuildLog);
        using var azurite = new AzuriteServer();
        using var redis = new RedisServer();
        var runtime = LocalRuntime.Weather();
        using var stub = new ExternStub(runtime.ExternFunctions());
        var config = ServiceConfig.Weather(azurite, redis, stub.Url);
        string[] keys = ["98052", "10001", "94305"];

        using (var first = new ServiceProcess(built.Weather.Dll("Weather.FrontEnd"), config))
        {
            using var http = new HttpClient { BaseAddress = new Uri(first.BaseUrl) };
            foreach (var k in keys)
            {
                Assert.Equal(await runtime.AnswerAsync("weather", ("ip", Value.String(k)), ("zip", Value.String(""))), await Post(http, k, ""));
            }
        }

        using var second = new ServiceProcess(built.WeatherReordered.Dll("Weather.FrontEnd"), config);
        using var http2 = new HttpClient { BaseAddress = new Uri(second.BaseUrl) };
        var ipCalls = stub.Calls.GetValueOrDefault("ipToCity");
        foreach (var k in keys)
        {
            // The same key values the first build cached under its cache 0: the by-zip cache must miss and compute.
            Assert.Equal(await runtime.AnswerAsync("weather", ("ip", Value.String("1.1.1.1")), ("zip", Value.String(k))), await Post(http2, "1.1.1.1", k));
            Assert.Equal(await runtime.AnswerAsync("weather", ("ip", Value.String(k)), ("zip", Value.String(""))), await Post(http2, k, ""));
        }

        Assert.Equal(keys.Length, stub.Calls["zipToWeather"]);
        Assert.Equal(ipCalls, stub.Calls.GetValueOrDefault("ipToCity"));
    }

    private static async Task<string> Post(HttpClient http, string ip, string zip)
    {
        var json = $$"""{"ip": {{ValueJson.Serialize(Value.String(ip))}}, "zip": {{ValueJson.Serialize(Value.String(zip))}}}""";
        var response = await http.PostAsync("/weather", new StringContent(json, Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {body}");
        return body;
    }
}
