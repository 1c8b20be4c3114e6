using System.Net;
using System.Text;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Fluxo.TestSupport;
using Fluxo.Values;

namespace Fluxo.Backend.Azure.Tests;

/// <summary>
/// The generated stateful service (front end + worker tier) against real Azurite: read-then-write under concurrency,
/// idempotency by request id, enqueued work, bad input, and a worker killed in the middle of a load.
/// </summary>
[Collection("generated")]
public class CounterEndToEndTests(BuiltSolutions built)
{
    private static Dictionary<string, string> Config(AzuriteServer azurite) => new()
    {
        ["ConnectionStrings__Storage"] = azurite.ConnectionString,
        ["Fluxo__VisibilityTimeoutSeconds"] = "3",
        ["Fluxo__ResultTimeoutSeconds"] = "120",
        ["Fluxo__MaxDequeueCount"] = "3",
    };

    [Fact]
    public async Task CountsOncePerRequestUnderConcurrencyAndRetries()
    {
        Assert.True(built.Counter.ExitCode == 0, built.Counter.BuildLog);
        using var azurite = new AzuriteServer();
        using var frontEnd = new ServiceProcess(built.Counter.Dll("Counter.FrontEnd"), Config(azurite));
        using var worker = new ServiceProcess(built.Counter.Dll("Counter.Worker"), Config(azurite));
        using var http = new HttpClient { BaseAddress = new Uri(frontEnd.BaseUrl), Timeout = TimeSpan.FromMinutes(3) };

        // Sequential requests answer exactly as the local runtime does on the same requests.
        var runtime = new LocalRuntime(Samples.Counter(), null);
        var alice = ("name", Value.String("alice"));
        for (var i = 1; i <= 3; i++)
        {
            Assert.Equal(await runtime.AnswerAsync("hit", alice), await Hit(http, "alice", null));
        }

        Assert.Equal(await runtime.AnswerAsync("peek", alice), await Peek(http, "alice"));
        Assert.Equal(await runtime.AnswerAsync("peek", ("name", Value.String("nobody"))), await Peek(http, "nobody"));

        // The same request id twice: one increment, the same answer.
        Assert.Equal("1", await Hit(http, "bob", "request-bob-1"));
        Assert.Equal("1", await Hit(http, "bob", "request-bob-1"));
        Assert.Equal("1", await Peek(http, "bob"));

        // Concurrent read-then-write of one row: optimistic concurrency makes every answer distinct.
        var answers = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => Hit(http, "carol", null)));
        Assert.Equal(Enumerable.Range(1, 12).Select(i => i.ToString()), answers.OrderBy(int.Parse));

        var bad = await http.PostAsync("/hit", new StringContent("""{"name": 3}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);

        await AssertLogged(azurite, "alice", 3);
        await AssertLogged(azurite, "carol", 12);

        // A message that cannot be read, and one that fails on every try, end in the poison queue.
        var queues = new QueueServiceClient(azurite.ConnectionString, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        await queues.GetQueueClient("counter-hit").SendMessageAsync("not a call");
        await queues.GetQueueClient("counter-hit").SendMessageAsync("""{"Id": "broken-1", "Handler": "hit", "ArgsJson": "not json"}""");
        var poison = queues.GetQueueClient("counter-hit-poison");
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((await poison.GetPropertiesAsync()).Value.ApproximateMessagesCount < 2 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250);
        }

        Assert.Equal(2, (await poison.GetPropertiesAsync()).Value.ApproximateMessagesCount);
        Assert.Equal(0, (await queues.GetQueueClient("counter-hit").GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }

    [Fact]
    public async Task KillingAWorkerMidLoadLosesNoRequestAndWritesNothingTwice()
    {
        Assert.True(built.Counter.ExitCode == 0, built.Counter.BuildLog);
        using var azurite = new AzuriteServer();
        using var frontEnd = new ServiceProcess(built.Counter.Dll("Counter.FrontEnd"), Config(azurite));
        var first = new ServiceProcess(built.Counter.Dll("Counter.Worker"), Config(azurite));
        using var http = new HttpClient { BaseAddress = new Uri(frontEnd.BaseUrl), Timeout = TimeSpan.FromMinutes(3) };

        string[] names = ["n0", "n1", "n2", "n3"];
        const int perName = 10;
        var done = 0;
        var load = names.SelectMany(n => Enumerable.Range(0, perName).Select(i => (Name: n, Id: $"{n}-{i}")))
            .Select(async r =>
            {
                var answer = await Hit(http, r.Name, r.Id);
                Interlocked.Increment(ref done);
                return (r.Name, r.Id, Answer: answer);
            })
            .ToList();

        // Kill the worker while the load is in flight: some answered, most not.
        while (Volatile.Read(ref done) < 4)
        {
            await Task.Delay(20);
        }

        var answeredBeforeKill = Volatile.Read(ref done);
        first.Kill();
        first.Dispose();
        Assert.True(answeredBeforeKill < names.Length * perName, "the worker was killed mid-load");
        using var second = new ServiceProcess(built.Counter.Dll("Counter.Worker"), Config(azurite));

        var results = await Task.WhenAll(load);
        foreach (var n in names)
        {
            var got = results.Where(r => r.Name == n).Select(r => int.Parse(r.Answer)).Order();
            Assert.Equal(Enumerable.Range(1, perName), got);
            Assert.Equal(perName.ToString(), await Peek(http, n));
        }

        // A replayed request answers from the journal and counts nothing again.
        Assert.Equal(results[0].Answer, await Hit(http, results[0].Name, results[0].Id));
        Assert.Equal(perName.ToString(), await Peek(http, results[0].Name));
        foreach (var n in names)
        {
            await AssertLogged(azurite, n, perName);
        }
    }

    /// <summary>The enqueued record handler wrote exactly rows 1..count for the name (eventually: it runs after hit answers).</summary>
    internal static async Task AssertLogged(AzuriteServer azurite, string name, int count)
    {
        var table = new TableServiceClient(azurite.ConnectionString).GetTableClient("counterLog");
        var deadline = DateTime.UtcNow.AddSeconds(60);
        List<string> rows;
        do
        {
            rows = [];
            await foreach (var e in table.QueryAsync<TableEntity>(e => e.PartitionKey == name))
            {
                rows.Add(e.RowKey);
                Assert.Equal(long.Parse(e.RowKey), e.GetInt64("n"));
            }

            if (rows.Count >= count)
            {
                break;
            }

            await Task.Delay(200);
        }
        while (DateTime.UtcNow < deadline);

        Assert.Equal(Enumerable.Range(1, count).Select(i => i.ToString()).Order(StringComparer.Ordinal), rows.Order(StringComparer.Ordinal));
    }

    private static async Task<string> Hit(HttpClient http, string name, string? id)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/hit")
        {
            Content = new StringContent(ValueJson.Serialize(Value.Record([new("name", Value.String(name))])), Encoding.UTF8, "application/json"),
        };
        if (id is not null)
        {
            request.Headers.Add("X-Request-Id", id);
        }

        var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
        return body;
    }

    private static async Task<string> Peek(HttpClient http, string name)
    {
        var response = await http.GetAsync("/peek?name=" + Uri.EscapeDataString(name));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
        return body;
    }
}
