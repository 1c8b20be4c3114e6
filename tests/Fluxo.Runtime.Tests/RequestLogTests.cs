using Fluxo.Diagnostics;
using Fluxo.Runtime.Engine;
using Fluxo.Runtime.Tracing;
using Fluxo.Runtime.Workloads;
using Fluxo.TestSupport;
using Fluxo.Trace;

namespace Fluxo.Runtime.Tests;

/// <summary>
/// The request-log workload (<see cref="RequestLog"/>): a JSON Lines log is replayed in order, each request at its
/// recorded time and from its recorded client, and every bad line is refused at its line and column.
/// </summary>
public sealed class RequestLogTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fluxo-log-").FullName;

    private static string Sample => Path.Combine(RepoPaths.Samples, "weather", "requests.jsonl");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public async Task The_sample_log_replays_in_order_at_its_times_with_its_clients_and_inputs()
    {
        var lines = File.ReadAllLines(Sample);
        var diags = new DiagnosticBag();
        var workload = WorkloadJson.Read(Sample, WeatherEngine.Module, diags);
        Assert.True(workload is not null, string.Join("\n", diags.Items));
        Assert.Equal(lines.Length, workload!.Log.Length);

        var engine = WeatherEngine.Create(new EngineOptions { Trace = true });
        var path = Path.Combine(_dir, "replay.log");
        RunReport report;
        using (var trace = RunTraceWriter.Open(path, engine.TraceHeader, binary: false))
        {
            report = await new WorkloadRunner(engine, workload, trace).RunAsync(10_000);
        }

        // The whole log, however many requests were asked for.
        Assert.Equal(lines.Length, report.Requests);
        var data = TraceFile.Read(path, WeatherEngine.Module, diags)!;
        Assert.Equal(lines.Length, data.Requests.Count);
        var first = System.Text.Json.JsonDocument.Parse(lines[0]).RootElement.GetProperty("time").GetDouble();
        var clients = new Dictionary<string, long>();
        var byId = data.Requests.OrderBy(r => r.Id).ToList();
        for (var k = 0; k < lines.Length; k++)
        {
            using var line = System.Text.Json.JsonDocument.Parse(lines[k]);
            var time = line.RootElement.GetProperty("time").GetDouble();
            Assert.Equal((time - first) * 1000, byId[k].ArrivalMs, 3);
            var client = line.RootElement.GetProperty("client").GetString()!;
            if (!clients.TryGetValue(client, out var id))
            {
                clients[client] = id = byId[k].Client;
            }

            Assert.Equal(id, byId[k].Client);
        }

        Assert.Equal(clients.Count, clients.Values.Distinct().Count());

        // A cut run sends the log's first requests.
        var cut = await new WorkloadRunner(WeatherEngine.Create(), workload).RunAsync(100);
        Assert.Equal(100, cut.Requests);
    }

    [Fact]
    public void A_workload_of_kind_replay_names_its_log_beside_it()
    {
        File.Copy(Sample, Path.Combine(_dir, "r.jsonl"));
        var path = Write("w.json", """{ "format": "fluxo-workload/1", "description": "recorded", "cacheBudgetBytes": 4096, "replay": "r.jsonl" }""");
        var diags = new DiagnosticBag();
        var workload = WorkloadJson.Read(path, WeatherEngine.Module, diags);
        Assert.True(workload is not null, string.Join("\n", diags.Items));
        Assert.Equal(File.ReadAllLines(Sample).Length, workload!.Log.Length);
        Assert.Equal(4096, workload.CacheBudgetBytes);

        var both = Write("both.json", """{ "format": "fluxo-workload/1", "ratePerSecond": 1, "replay": "r.jsonl", "mix": [ { "handler": "weather", "weight": 1, "inputs": { "ip": { "const": "1" }, "zip": { "const": "" } } } ] }""");
        diags = new DiagnosticBag();
        Assert.Null(WorkloadJson.Read(both, WeatherEngine.Module, diags));
        Assert.Contains(diags.Items, d => d.Code == "FLX1021" && d.Message.Contains("not both", StringComparison.Ordinal));
    }

    public static TheoryData<string, string, string> BadLines => new()
    {
        { """{"time": 1, "client": 1, "handler": "weather", "inputs": {"ip": "a", "zip": ""}""", "FLX5102", "(2," },
        { """{"time": 1, "client": 1, "handler": "forecast", "inputs": {}}""", "FLX5103", "(2,37)" },
        { """{"time": 1, "client": 1, "handler": "weather", "inputs": {"ip": 7, "zip": ""}}""", "FLX5103", "(2,65)" },
        { """{"time": 1, "client": 1, "handler": "weather", "inputs": {"ip": "a"}}""", "FLX5103", "(2,58)" },
        { """{"time": 1, "client": 1, "handler": "weather", "inputs": {"ip": "a", "zip": "", "x": 1}}""", "FLX5103", "(2," },
        { """{"time": 0.5, "client": 1, "handler": "weather", "inputs": {"ip": "a", "zip": ""}}""", "FLX5103", "(2,10)" },
        { """{"time": "now", "client": 1, "handler": "weather", "inputs": {"ip": "a", "zip": ""}}""", "FLX5103", "(2,10)" },
        { """{"time": 1, "client": true, "handler": "weather", "inputs": {"ip": "a", "zip": ""}}""", "FLX5103", "(2,23)" },
        { """[1, 2]""", "FLX5103", "(2,1)" },
    };

    [Theory]
    [MemberData(nameof(BadLines))]
    public void A_bad_line_is_refused_at_its_line_and_column(string line, string code, string at)
    {
        var path = Write("bad.jsonl", """{"time": 0.75, "client": 1, "handler": "weather", "inputs": {"ip": "a", "zip": ""}}""" + "\n" + line + "\n");
        var diags = new DiagnosticBag();
        Assert.Null(WorkloadJson.Read(path, WeatherEngine.Module, diags));
        var d = Assert.Single(diags.Items);
        Assert.Equal(code, d.Code);
        Assert.Contains("bad.jsonl" + at, d.Format(), StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_log_and_a_log_of_garbage_are_refused_without_drowning_the_user()
    {
        var diags = new DiagnosticBag();
        Assert.Null(WorkloadJson.Read(Write("empty.jsonl", "\n\n"), WeatherEngine.Module, diags));
        Assert.Equal("FLX5104", Assert.Single(diags.Items).Code);

        diags = new DiagnosticBag();
        Assert.Null(WorkloadJson.Read(Write("garbage.jsonl", string.Join("\n", Enumerable.Repeat("not json", 1000))), WeatherEngine.Module, diags));
        Assert.Equal(RequestLog.MaxErrors + 1, diags.Items.Count);
        Assert.Equal("FLX5105", diags.Items[^1].Code);
    }
}
