using System.Net;
using System.Text;
using Fluxo.TestSupport;
using Fluxo.Values;

namespace Fluxo.Backend.Azure.Tests;

/// <summary>
/// The generated tour service (bookmarks: every Flimp construct) against Azurite: the same request sequence sent to
/// the local runtime and to the generated service gets the same answers, one by one.
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
        using var stub = new ExternStub(runtime.ExternFunctions());
        var config = new Dictionary<string, string>
        {
            ["ConnectionStrings__Storage"] = azurite.ConnectionString,
            ["Externs__fetchTitle"] = stub.Url("fetchTitle"),
            ["Externs__notifyUser"] = stub.Url("notifyUser"),
        };
        using var frontEnd = new ServiceProcess(built.Tour.Dll("Bookmarks.FrontEnd"), config);
        using var worker = new ServiceProcess(built.Tour.Dll("Bookmarks.Worker"), config);
        using var http = new HttpClient { BaseAddress = new Uri(frontEnd.BaseUrl), Timeout = TimeSpan.FromMinutes(2) };

        (string Handler, (string, string)[] Args)[] requests =
        [
            ("addMark", [("owner", "alice"), ("url", "  HTTP://A.example/x "), ("tags", "news, tech,, ")]),
            ("addMark", [("owner", "alice"), ("url", "http://b.example"), ("tags", "")]),
            ("addMark", [("owner", "alice"), ("url", "http://a.example/x"), ("tags", "kept")]),
            ("addMark", [("owner", "bob"), ("url", "http://a.example/#frag?q"), ("tags", "odd/key")]),
            ("summary", [("owner", "alice"), ("prefix", "http://")]),
            ("summary", [("owner", "alice"), ("prefix", "http://a")]),
            ("summary", [("owner", "alice"), ("prefix", "zzz")]),
            ("summary", [("owner", "bob"), ("prefix", "")]),
            ("removeMark", [("owner", "alice"), ("url", "http://b.example")]),
            ("removeMark", [("owner", "alice"), ("url", "http://b.example")]),
            ("summary", [("owner", "alice"), ("prefix", "")]),
            ("announce", [("owner", "carol"), ("title", "hello")]),
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
    }
}
