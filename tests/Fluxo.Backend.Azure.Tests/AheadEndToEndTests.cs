using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Text;
using Fluxo.Diagnostics;
using Fluxo.Ir;
using Fluxo.Runtime;
using Fluxo.Runtime.Engine;
using Fluxo.TestSupport;
using Fluxo.Trace;
using Fluxo.Values;

namespace Fluxo.Backend.Azure.Tests;

/// <summary>
/// The generated news service compiled with a policy that pre-computes inbox's headline and speculates inbox's posts after
/// login, on Azurite and one redis-server: every answer equals the local runtime's under the same policy; the headline is
/// computed by the worker's refresher, not by requests; a speculation serves the client's next inbox exactly when the
/// runtime's would (same user, no write to the user's partition since), as the pulled traces show.
/// </summary>
[Collection("generated")]
public sealed class AheadEndToEndTests(BuiltSolutions built, Xunit.Abstractions.ITestOutputHelper output) : IDisposable
{
    private const string Bindings = """
        {
          "format": "fluxo-bindings/1",
          "externs": {
            "headline": { "standIn": { "response": { "template": "Headline: {section} ({hash%100})" } } },
            "render": { "standIn": { "response": { "template": "<{text}>" } } }
          }
        }
        """;

    private readonly string _dir = Directory.CreateTempSubdirectory("fluxo-ahead-").FullName;

    private enum Expect
    {
        Any,
        Speculated,
        Computed,
    }

    [Fact]
    public async Task PrecomputedAndSpeculatedPartsServeRequestsAsTheLocalRuntimeDoes()
    {
        Assert.True(built.News.ExitCode == 0, built.News.BuildLog);
        var module = Samples.News();
        var runtime = new LocalRuntime(module, null, Bindings, BuiltSolutions.NewsPolicy(module));
        using var azurite = new AzuriteServer();
        using var redis = new RedisServer();
        using var stub = new ExternStub(runtime.ExternFunctions());
        var config = new Dictionary<string, string>(ServiceConfig.For(module, azurite, redis, stub.Url))
        {
            ["Fluxo__Trace__FlushSeconds"] = "0.2",

            // The storage clients' request logs would fill the kept log that failure messages show.
            ["Logging__LogLevel__Azure"] = "Warning",
        };
        using var frontEnd = new ServiceProcess(built.News.Dll("News.FrontEnd"), config);
        var running = System.Diagnostics.Stopwatch.StartNew();
        using var worker = new ServiceProcess(built.News.Dll("News.Worker"), config);
        using var http = new HttpClient { BaseAddress = new Uri(frontEnd.BaseUrl), Timeout = TimeSpan.FromMinutes(2) };

        // Per user and round: login then inbox (speculated); login, another client's post to the user, inbox (the
        // partition was written: computed); login then another user's inbox (another key: computed); inbox alone.
        var requests = new List<(string Handler, long Client, (string, Value)[] Args, Expect Expect)>();
        for (var round = 0; round < 2; round++)
        {
            for (var u = 0; u < 3; u++)
            {
                var user = ("user", Value.String("u" + u));
                requests.Add(("login", u, [user], Expect.Any));
                requests.Add(("inbox", u, [user], Expect.Speculated));
                requests.Add(("login", u, [user], Expect.Any));
                requests.Add(("post", 100 + u, [user, ("id", Value.String($"r{round}")), ("text", Value.String($"note {round} of u{u}"))], Expect.Any));
                requests.Add(("inbox", u, [user], Expect.Computed));
                requests.Add(("login", u, [user], Expect.Any));
                requests.Add(("inbox", u, [("user", Value.String("u" + ((u + 1) % 3)))], Expect.Computed));
                requests.Add(("inbox", u, [user], Expect.Computed));

                // The user's own post, then digest in the worker tier: it gets its speculation through the queue.
                requests.Add(("post", u, [user, ("id", Value.String($"d{round}")), ("text", Value.String($"digest {round}"))], Expect.Any));
                requests.Add(("digest", u, [user], Expect.Speculated));

                // The card of the hot user is stored at its first request and served from then on; other users' are computed.
                requests.Add(("card", u, [user], Expect.Any));
                requests.Add(("card", u, [("user", Value.String(BuiltSolutions.HotUser))], Expect.Any));
            }
        }

        // The first node of each handler's speculated part.
        var first = new Dictionary<string, int> { ["inbox"] = 2, ["digest"] = 1 };

        var servedByRuntime = new List<bool>();
        var cardsServedByRuntime = new List<bool>();
        var latencies = new List<double>();
        for (var i = 0; i < requests.Count; i++)
        {
            var (handler, client, args, _) = requests[i];
            var request = Value.Record(args.Select(a => new KeyValuePair<string, Value>(a.Item1, a.Item2)));

            // A second apart in the runtime's clock: every speculation is ready by the client's next request.
            var expected = await runtime.Engine.RunAsync(handler, request, new RequestInfo(i + 1, client, 1000.0 * i));
            Assert.True(expected.Succeeded, expected.Error);
            servedByRuntime.Add(first.TryGetValue(handler, out var part) && expected.Trace!.Nodes.Any(n => n.Node == part && n.Status == NodeStatus.Served));
            cardsServedByRuntime.Add(handler == "card" && expected.Trace!.Nodes.Any(n => n.Node == 1 && n.Status == NodeStatus.Served));

            using var message = new HttpRequestMessage(HttpMethod.Post, "/" + handler) { Content = new StringContent(ValueJson.Serialize(request), Encoding.UTF8, "application/json") };
            message.Headers.Add("X-Client-Id", client.ToString(CultureInfo.InvariantCulture));
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var response = await http.SendAsync(message);
            latencies.Add(clock.Elapsed.TotalMilliseconds);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{handler}: {(int)response.StatusCode} {body}\n{frontEnd.Log}\n{worker.Log}");
            Assert.Equal(ValueJson.Serialize(expected.Value!), body);

            // The speculation runs after the answer is sent; give it the moment the runtime's clock gives it.
            if (handler is "login" or "post")
            {
                await Task.Delay(150);
            }
        }

        // The runtime serves exactly the planned cases, so the expectations are its own.
        Assert.Equal(requests.Select(r => r.Expect == Expect.Speculated), servedByRuntime);

        var inboxes = requests.Count(r => r.Handler == "inbox");
        var headlineCalls = stub.Calls["headline"];
        var seconds = running.Elapsed.TotalSeconds;
        frontEnd.Terminate();
        worker.Terminate();
        var irPath = Path.Combine(_dir, "news.ir.json");
        await File.WriteAllTextAsync(irPath, IrJson.Serialize(module));
        var pulled = Path.Combine(_dir, "pulled.bin");
        var pull = Fluxo("traces", "pull", irPath, "--storage", azurite.ConnectionString, "-o", pulled);
        Assert.True(pull.Code == 0, pull.Output);
        var trace = TraceFile.Read(pulled, module, new DiagnosticBag());
        Assert.NotNull(trace);
        Assert.Equal(requests.Count, trace.Requests.Count);

        // Requests were sent one at a time, so the pulled trace keeps their order. A speculation serves only where the
        // runtime's did (the wrong user's and the written partition's never), and most of those; the headline, from the
        // store, every inbox once the refresher has stored it.
        var inbox = module.Graphs.ToList().FindIndex(g => g.Name == "inbox");
        bool Served(int i, int node) => trace.Requests[i].Nodes.Any(n => n.Node == node && n.Status == NodeStatus.Served);
        Assert.Equal(requests.Select(r => module.Graphs.ToList().FindIndex(g => g.Name == r.Handler)), trace.Requests.Select(r => r.Graph));
        var served = Enumerable.Range(0, requests.Count).Where(i => first.TryGetValue(requests[i].Handler, out var part) && Served(i, part)).ToList();
        Assert.All(served, i => Assert.Equal(Expect.Speculated, requests[i].Expect));
        var planned = requests.Count(r => r.Expect == Expect.Speculated);
        Assert.True(served.Count >= planned * 2 / 3, $"{served.Count} of {planned} planned speculations served");
        Assert.Contains(served, i => requests[i].Handler == "digest");
        Assert.All(served, i => Assert.All(Enumerable.Range(first[requests[i].Handler], 4), n => Assert.True(Served(i, n))));
        var headlines = Enumerable.Range(0, requests.Count).Count(i => trace.Requests[i].Graph == inbox && Served(i, 1));

        // Hot keys: the service serves exactly the cards the runtime serves, every hot user's card after its first.
        var hotCards = Enumerable.Range(0, requests.Count).Where(i => requests[i].Handler == "card" && requests[i].Args[0].Item2.AsString == BuiltSolutions.HotUser).ToList();
        Assert.Equal(hotCards.Skip(1), Enumerable.Range(0, requests.Count).Where(i => cardsServedByRuntime[i]));
        Assert.Equal(hotCards.Skip(1), Enumerable.Range(0, requests.Count).Where(i => requests[i].Handler == "card" && Served(i, 1)));

        // Every other headline call is the worker's refresher, on its 5 s schedule: at least twice, at most once a period.
        var refreshes = headlineCalls - (inboxes - headlines);
        Assert.InRange(refreshes, 2, (seconds / 5) + 2);
        foreach (var h in first.Keys)
        {
            double Mean(bool speculated) => Enumerable.Range(0, requests.Count).Where(i => requests[i].Handler == h && served.Contains(i) == speculated).Select(i => latencies[i]).DefaultIfEmpty(double.NaN).Average();
            output.WriteLine($"{h}: mean {Mean(true):F1} ms served by a speculation, {Mean(false):F1} ms computed");
        }

        output.WriteLine($"speculations served {served.Count} of {planned} planned; headline served from the store {headlines} of {inboxes}; {refreshes} refreshes in {seconds:F0} s; render calls {stub.Calls["render"]}");
        Assert.True(headlines >= inboxes - 2, $"{headlines} of {inboxes} inbox requests served the headline from the store");
    }

    private static (int Code, string Output) Fluxo(params string[] args)
    {
        var output = new StringWriter();
        var code = global::Fluxo.Cli.Program.BuildRoot().Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = output });
        return (code, output.ToString());
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
