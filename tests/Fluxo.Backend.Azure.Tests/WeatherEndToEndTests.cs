using System.Net;
using System.Text;
using Fluxo.Policy;
using Fluxo.TestSupport;
using Fluxo.Values;
using StackExchange.Redis;

namespace Fluxo.Backend.Azure.Tests;

/// <summary>
/// The generated weather service (with a policy cache on the by-IP branch) against real Azurite and redis-server:
/// it builds warning-free, answers every request exactly as the local runtime does (same extern stand-ins, served
/// over the extern HTTP protocol), holds its cache budget and survives Redis going down.
/// </summary>
[Collection("generated")]
public class WeatherEndToEndTests(BuiltSolutions built)
{
    [Fact]
    public void GeneratedSolutionBuildsWithoutWarnings()
    {
        Assert.True(built.Weather.ExitCode == 0, built.Weather.BuildLog);
        Assert.Contains("0 Warning(s)", built.Weather.BuildLog, StringComparison.Ordinal);
        Assert.Contains("0 Error(s)", built.Weather.BuildLog, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnswersLikeTheGraphHoldsTheCacheBudgetAndSurvivesRedisDown()
    {
        Assert.True(built.Weather.ExitCode == 0, built.Weather.BuildLog);
        using var azurite = new AzuriteServer();
        using var redis = new RedisServer();
        var runtime = LocalRuntime.Weather();
        using var stub = new ExternStub(runtime.ExternFunctions());
        Task<string> Expected(string ip, string zip) => runtime.AnswerAsync("weather", ("ip", Value.String(ip)), ("zip", Value.String(zip)));
        using var frontEnd = new ServiceProcess(built.Weather.Dll("Weather.FrontEnd"), ServiceConfig.Weather(azurite, redis, stub.Url));
        using var http = new HttpClient { BaseAddress = new Uri(frontEnd.BaseUrl) };

        (string Ip, string Zip)[] inputs =
        [
            ("131.107.0.1", ""), ("131.107.0.1", ""), ("18.9.22.1", ""), ("171.64.0.1", "94305"), ("171.64.0.1", ""),
            ("1.1.1.1", ""), ("1.1.1.1", ""), ("2.2.2.2", "98052"), ("3.3.3.3", ""), ("3.3.3.3", ""), ("1.1.1.1", "10001"),
            ("4.4.4.4", ""), ("4.4.4.4", ""), ("a/b#c?d", ""), ("ünï", "ünï"), ("", ""), ("5.5.5.5", ""),
        ];
        var k = 0;
        foreach (var (ip, zip) in inputs)
        {
            var body = k++ % 2 == 0 ? await Post(http, $$"""{"ip": {{Json(ip)}}, "zip": {{Json(zip)}}}""") : await Get(http, ip, zip);
            Assert.Equal(await Expected(ip, zip), body);
        }

        // Immediate repeats of an ip were served by the cache: ipToCity ran once per distinct by-IP run only.
        var byIp = inputs.Where(i => i.Zip == "").ToList();
        Assert.True(stub.Calls["ipToCity"] < byIp.Count, $"ipToCity called {stub.Calls["ipToCity"]} times for {byIp.Count} by-IP requests");

        for (var i = 0; i < 30; i++)
        {
            Assert.Equal(await Expected($"10.0.0.{i}", ""), await Post(http, $$"""{"ip": "10.0.0.{{i}}", "zip": ""}"""));
        }

        await AssertBudgetHeld(redis);

        // The by-IP cache expires its entries (ttlSeconds): a repeat hits, a repeat after the TTL computes again.
        var calls = stub.Calls["ipToCity"];
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(await Expected("6.6.6.6", ""), await Post(http, """{"ip": "6.6.6.6", "zip": ""}"""));
        }

        Assert.Equal(calls + 1, stub.Calls["ipToCity"]);
        await Task.Delay(TimeSpan.FromSeconds(BuiltSolutions.WeatherTtlSeconds + 0.5));
        Assert.Equal(await Expected("6.6.6.6", ""), await Post(http, """{"ip": "6.6.6.6", "zip": ""}"""));
        Assert.Equal(calls + 2, stub.Calls["ipToCity"]);
        await AssertBudgetHeld(redis);

        await AssertBadRequest(http, """{"ip": "1.1.1.1"}""", "zip");
        await AssertBadRequest(http, """{"ip": 7, "zip": ""}""", "ip");
        await AssertBadRequest(http, """{"ip": "1", "zip": "", "extra": 1}""", "extra");
        await AssertBadRequest(http, "not json", null);
        await AssertBadRequest(http, "[1, 2]", null);
        var missing = await http.GetAsync("/weather?ip=1.1.1.1");
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);

        redis.Dispose();
        foreach (var (ip, zip) in inputs.Take(6))
        {
            Assert.Equal(await Expected(ip, zip), await Post(http, $$"""{"ip": {{Json(ip)}}, "zip": {{Json(zip)}}}"""));
        }
    }

    private static async Task AssertBudgetHeld(RedisServer redis)
    {
        using var mux = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var db = mux.GetDatabase();
        var prefix = $"fluxo:weather:{CacheKey.Keyspace(CacheGroup.KeyScheme, "weather", Samples.Weather().Graphs[0].Hash, [1, 2])}:";
        var bytes = (long)await db.StringGetAsync(prefix + "bytes");
        var sizes = await db.HashGetAllAsync(prefix + "sizes");
        Assert.InRange(bytes, 1, BuiltSolutions.WeatherCacheBytes);
        Assert.Equal(bytes, sizes.Sum(s => (long)s.Value));
        Assert.Equal(sizes.Length, await db.HashLengthAsync(prefix + "stamps"));
        foreach (var s in sizes)
        {
            Assert.True(await db.KeyExistsAsync(prefix + "e:" + s.Name), "an accounted entry exists");
        }

        var server = mux.GetServer(mux.GetEndPoints()[0]);
        var entries = server.Keys(pattern: prefix + "e:*").Count();
        Assert.Equal(sizes.Length, entries);
    }

    private static string Json(string s) => ValueJson.Serialize(Value.String(s));

    private static async Task<string> Post(HttpClient http, string json)
    {
        var response = await http.PostAsync("/weather", new StringContent(json, Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
        return body;
    }

    private static async Task<string> Get(HttpClient http, string ip, string zip)
    {
        var response = await http.GetAsync($"/weather?ip={Uri.EscapeDataString(ip)}&zip={Uri.EscapeDataString(zip)}");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
        return body;
    }

    private static async Task AssertBadRequest(HttpClient http, string json, string? parameter)
    {
        var response = await http.PostAsync("/weather", new StringContent(json, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = ValueJson.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("bad_request", error.GetField("error")!.AsString);
        if (parameter is not null)
        {
            Assert.Equal(parameter, error.GetField("parameter")!.AsString);
        }
    }
}
