using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Fluxo.TestSupport;
using Fluxo.Values;

namespace Fluxo.Backend.Azure.Tests;

/// <summary>
/// The generated service while its dependencies fail (issue 18, defect 7): real Azurite and redis-server taken down and
/// brought back in the middle of a load. A storage outage gives retries, then 503 problem details (never a stack trace)
/// that name the request id to retry with; retrying with it applies every write exactly once. /healthz follows the
/// dependencies, a reset storage gets its queues and tables back, and each outage is one log line, not one per call.
/// </summary>
[Collection("generated")]
public class DependencyFaultTests(BuiltSolutions built)
{
    private static Dictionary<string, string> Config(AzuriteServer azurite) => new()
    {
        ["ConnectionStrings__Storage"] = azurite.ConnectionString,
        ["Fluxo__VisibilityTimeoutSeconds"] = "3",
        ["Fluxo__ResultTimeoutSeconds"] = "120",
        ["Fluxo__StorageTimeoutSeconds"] = "3",
    };

    [Fact]
    public async Task StorageOutageAnswers503ProblemDetailsAndEveryWriteLandsOnce()
    {
        Assert.True(built.Counter.ExitCode == 0, built.Counter.BuildLog);
        using var azurite = new AzuriteServer(persistent: true);
        using var frontEnd = new ServiceProcess(built.Counter.Dll("Counter.FrontEnd"), Config(azurite));
        using var worker = new ServiceProcess(built.Counter.Dll("Counter.Worker"), Config(azurite));
        using var http = new HttpClient { BaseAddress = new Uri(frontEnd.BaseUrl), Timeout = TimeSpan.FromMinutes(3) };

        string[] names = ["s0", "s1", "s2"];
        const int perName = 12;
        var answered = 0;
        var unavailable = new ConcurrentBag<string>();
        using var gate = new SemaphoreSlim(4);
        var load = names.SelectMany(n => Enumerable.Range(0, perName).Select(i => (Name: n, Id: $"{n}-{i}")))
            .Select(async r =>
            {
                await gate.WaitAsync();
                try
                {
                    var answer = await HitUntilAnswered(http, r.Name, r.Id, unavailable);
                    Interlocked.Increment(ref answered);
                    return (r.Name, r.Id, Answer: answer);
                }
                finally
                {
                    gate.Release();
                }
            })
            .ToList();

        while (Volatile.Read(ref answered) < 6)
        {
            await Task.Delay(20);
        }

        azurite.Stop();
        var health = await WaitHealth(http, HttpStatusCode.ServiceUnavailable, "\"storage\":\"unavailable\"");
        Assert.Contains("\"status\":\"unavailable\"", health, StringComparison.Ordinal);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (unavailable.IsEmpty && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.True(Volatile.Read(ref answered) < names.Length * perName, "storage went down mid-load");
        azurite.Start();
        var results = await Task.WhenAll(load);
        await WaitHealth(http, HttpStatusCode.OK, "\"status\":\"ok\"");

        // Some requests met the outage: each got a 503 problem-details body with its id and no stack trace.
        Assert.NotEmpty(unavailable);
        foreach (var body in unavailable)
        {
            Assert.Contains("\"error\":\"storage_unavailable\"", body, StringComparison.Ordinal);
            Assert.Contains("\"status\":503", body, StringComparison.Ordinal);
            Assert.Contains("\"requestId\":\"s", body, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", body, StringComparison.Ordinal);
            Assert.DoesNotContain("Exception", body, StringComparison.Ordinal);
        }

        // Nothing lost, nothing doubled: the answers are exactly 1..n per name, and so are the stored count and log rows.
        foreach (var n in names)
        {
            Assert.Equal(Enumerable.Range(1, perName), results.Where(r => r.Name == n).Select(r => int.Parse(r.Answer)).Order());
            Assert.Equal(perName.ToString(), await Get(http, "/peek?name=" + n));
            await CounterEndToEndTests.AssertLogged(azurite, n, perName);
        }

        // One line when storage went, one when it came back, in each process: not one per failed call.
        foreach (var (process, role) in new[] { (frontEnd, "front end"), (worker, "worker") })
        {
            Assert.True(Count(process.Log, "degraded: storage is unavailable") == 1, $"{role}:\n{process.Log}");
            Assert.True(Count(process.Log, "recovered: storage is available again") == 1, $"{role}:\n{process.Log}");
        }
    }

    [Fact]
    public async Task ResetStorageGetsItsQueuesAndTablesBack()
    {
        Assert.True(built.Counter.ExitCode == 0, built.Counter.BuildLog);
        using var azurite = new AzuriteServer();
        using var frontEnd = new ServiceProcess(built.Counter.Dll("Counter.FrontEnd"), Config(azurite));
        using var worker = new ServiceProcess(built.Counter.Dll("Counter.Worker"), Config(azurite));
        using var http = new HttpClient { BaseAddress = new Uri(frontEnd.BaseUrl), Timeout = TimeSpan.FromMinutes(3) };
        Assert.Equal("1", await HitUntilAnswered(http, "r", "before-reset", []));

        // In memory, a restart loses every queue, table and row: the service creates them again on first use.
        azurite.Stop();
        azurite.Start();
        await WaitHealth(http, HttpStatusCode.OK, "\"status\":\"ok\"");
        Assert.Equal("1", await HitUntilAnswered(http, "r", "after-reset", []));
        Assert.Equal("2", await HitUntilAnswered(http, "r", "after-reset-2", []));
        await CounterEndToEndTests.AssertLogged(azurite, "r", 2);
        Assert.Contains("creating the service's tables and queues again", frontEnd.Log + worker.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RedisOutageIsOneLogLineAndAnswersStayRight()
    {
        Assert.True(built.Weather.ExitCode == 0, built.Weather.BuildLog);
        using var azurite = new AzuriteServer();
        using var redis = new RedisServer();
        var runtime = LocalRuntime.Weather();
        using var stub = new ExternStub(runtime.ExternFunctions());
        using var frontEnd = new ServiceProcess(built.Weather.Dll("Weather.FrontEnd"), ServiceConfig.Weather(azurite, redis, stub.Url));
        using var http = new HttpClient { BaseAddress = new Uri(frontEnd.BaseUrl) };
        async Task AnswersRight(int from)
        {
            for (var i = from; i < from + 8; i++)
            {
                var ip = $"10.1.0.{i % 4}";
                var expected = await runtime.AnswerAsync("weather", ("ip", Value.String(ip)), ("zip", Value.String("")));
                Assert.Equal(expected, await Get(http, $"/weather?ip={ip}&zip="));
            }
        }

        await AnswersRight(0);
        await WaitHealth(http, HttpStatusCode.OK, "\"redis\":\"ok\"");
        redis.Stop();
        await AnswersRight(8);
        var degraded = await WaitHealth(http, HttpStatusCode.OK, "\"redis\":\"unavailable\"");
        Assert.Contains("\"status\":\"degraded\"", degraded, StringComparison.Ordinal);
        await AnswersRight(16);
        redis.Start();
        await WaitHealth(http, HttpStatusCode.OK, "\"redis\":\"ok\"");
        await AnswersRight(24);
        Assert.True(Count(frontEnd.Log, "degraded: redis is unavailable") == 1, frontEnd.Log);
        Assert.True(Count(frontEnd.Log, "recovered: redis is available again") == 1, frontEnd.Log);
    }

    private static int Count(string log, string line) => log.Split('\n').Count(l => l.Contains(line, StringComparison.Ordinal));

    /// <summary>Polls /healthz until it answers <paramref name="status"/> with <paramref name="contains"/> in its body.</summary>
    private static async Task<string> WaitHealth(HttpClient http, HttpStatusCode status, string contains)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        var last = "";
        while (DateTime.UtcNow < deadline)
        {
            using var response = await http.GetAsync("/healthz");
            last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
            if (response.StatusCode == status && last.Contains(contains, StringComparison.Ordinal))
            {
                return last;
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"/healthz never answered {(int)status} with {contains}; last: {last}");
    }

    /// <summary>A client that does what a 503 asks: waits and retries with the same request id. Keeps every 503 body.</summary>
    private static async Task<string> HitUntilAnswered(HttpClient http, string name, string id, ConcurrentBag<string> unavailable)
    {
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (true)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/hit")
            {
                Content = new StringContent(ValueJson.Serialize(Value.Record([new("name", Value.String(name))])), Encoding.UTF8, "application/json"),
            };
            request.Headers.Add("X-Request-Id", id);
            using var response = await http.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return body;
            }

            Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable && DateTime.UtcNow < deadline, $"{(int)response.StatusCode}: {body}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            unavailable.Add(body);
            await Task.Delay(500);
        }
    }

    private static async Task<string> Get(HttpClient http, string path)
    {
        using var response = await http.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
        return body;
    }
}
