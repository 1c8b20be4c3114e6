using System.Net;
using System.Text;
using Fluxo.TestSupport;
using Fluxo.Values;

namespace Fluxo.Backend.Azure.Tests;

/// <summary>
/// The generated tour service (bookmarks: every Flimp construct) against Azurite: the same request sequence sent to
/// the local runtime and to the generated service gets the same answers, one by one. The service caches addMark's
/// fetchTitle, which sits inside the arm for a new mark (<see cref="BuiltSolutions.TourPolicy"/>), in Redis; the local
/// runtime caches nothing.
/// </summary>
[Collection("generated")]
public class TourEndToEndTests(BuiltSolutions built)
{
    [Fact]
    public async Task AnswersEveryRequestAsTheLocalRuntime()
    {
        Assert.True(built.Tour.ExitCode == 0, built.Tour.BuildLog);
        var runtime = LocalRuntime.Tour();
        using var azurite = new AzuriteServer();
        using var redis = new RedisServer();
        using var stub = new ExternStub(runtime.ExternFunctions());
        var config = ServiceConfig.For(Samples.Tour(), azurite, redis, stub.Url);
        using var frontEnd = new ServiceProcess(built.Tour.Dll("Bookmarks.FrontEnd"), config);
        using var worker = new ServiceProcess(built.Tour.Dll("Bookmarks.Worker"), config);
        using var http = new HttpClient { BaseAddress = new Uri(frontEnd.BaseUrl), Timeout = TimeSpan.FromMinutes(2) };

        (string Handler, (string, string)[] Args)[] requests =
        [
            ("addMark", [("owner", "alice"), ("url", "  HTTP://A.example/x "), ("tags", "news, tech,, ")]),
            ("addMark", [("owner", "alice"), ("url", "http://b.example"), ("tags", "")]),
            ("addMark", [("owner", "erin"), ("url", "HTTP://B.example "), ("tags", "")]),
            ("addMark", [("owner", "alice"), ("url", "http://a.example/x"), ("tags", "kept")]),
            ("addMark", [("owner", "bob"), ("url", "http://a.example/#frag?q"), ("tags", "odd/key")]),
            ("summary", [("owner", "alice"), ("prefix", "http://")]),
            ("summary", [("owner", "alice"), ("prefix", "http://a")]),
            ("summary", [("owner", "alice"), ("prefix", "zzz")]),
            ("summary", [("owner", "bob"), ("prefix", "")]),
            ("removeMark", [("owner", "alice"), ("url", "http://b.example")]),
            ("removeMark", [("owner", "alice"), ("url", "http://b.example")]),
            ("summary", [("owner", "alice"), ("prefix", "")]),
        ];
        foreach (var (handler, args) in requests)
        {
            var values = args.Select(a => (a.Item1, Value.String(a.Item2))).ToArray();
            var expected = await runtime.AnswerAsync(handler, values);
            var json = ValueJson.Serialize(Value.Record(values.Select(v => new KeyValuePair<string, Value>(v.Item1, v.Item2))));
            var response = await http.PostAsync("/" + handler, new StringContent(json, Encoding.UTF8, "application/json"));
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{handler}: {(int)response.StatusCode} {body}\n{frontEnd.Log}\n{worker.Log}");
            Assert.Equal(expected, body);
        }

        // Four new marks of three pages: the cache inside the new-mark arm served erin's b.example from alice's fetch.
        Assert.Equal(3, stub.Calls.GetValueOrDefault("fetchTitle"));

        // Internal handlers have no route; enqueue still runs announce on the worker for every new mark.
        var hidden = await http.PostAsync("/announce", new StringContent("{\"owner\":\"carol\",\"title\":\"x\"}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);

        // HttpResult handlers answer with their own status, headers and body, as the local runtime computes them.
        using var noRedirect = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = http.BaseAddress, Timeout = http.Timeout };
        foreach (var url in new[] { "http://a.example/x", "http://nowhere.example" })
        {
            var values = new[] { ("owner", Value.String("alice")), ("url", Value.String(url)) };
            var expected = HttpResult.Read(ValueJson.Parse(await runtime.AnswerAsync("open", values)));
            var response = await noRedirect.GetAsync($"/open?owner=alice&url={Uri.EscapeDataString(url)}");
            Assert.Equal(expected.Status, (int)response.StatusCode);
            Assert.Equal(expected.Body, await response.Content.ReadAsStringAsync());
            foreach (var (name, value) in expected.Headers)
            {
                var actual = response.Headers.TryGetValues(name, out var vs) ? vs : response.Content.Headers.TryGetValues(name, out var cs) ? cs : [];
                Assert.Equal(value, string.Join(",", actual));
            }
        }

        // A for each writes one row per tag; more tags than its max fail the request, as in the local runtime.
        var tooMany = string.Join(",", Enumerable.Range(0, 9).Select(i => "t" + i));
        var many = await http.PostAsync("/addMark", new StringContent("{\"owner\":\"dan\",\"url\":\"http://d.example\",\"tags\":\"" + tooMany + "\"}", Encoding.UTF8, "application/json"));
        Assert.Equal(422, (int)many.StatusCode);
        Assert.Contains("atMost", await many.Content.ReadAsStringAsync());
    }
}
