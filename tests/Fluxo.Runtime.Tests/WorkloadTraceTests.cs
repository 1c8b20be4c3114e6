using Fluxo.Diagnostics;
using Fluxo.Runtime.Engine;
using Fluxo.Runtime.Tracing;
using Fluxo.Runtime.Workloads;
using Fluxo.TestSupport;
using Fluxo.Trace;

namespace Fluxo.Runtime.Tests;

public sealed class WorkloadTraceTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fluxo-trace-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    public static Workload Load(string name)
    {
        var diags = new DiagnosticBag();
        var w = WorkloadJson.Read(Path.Combine(RepoPaths.Samples, "weather", name), WeatherEngine.Module, diags);
        Assert.True(w is not null, string.Join("\n", diags.Items));
        return w!;
    }

    private async Task<(RunReport Report, string Path)> RunTraced(string file, int requests, EngineOptions? options = null)
    {
        var engine = WeatherEngine.Create((options ?? new EngineOptions()) with { Trace = true });
        var path = Path.Combine(_dir, file);
        RunReport report;
        // These tests name text traces .log and binary ones .bin; the writer itself never looks at the name.
        using (var trace = RunTraceWriter.Open(path, engine.TraceHeader, binary: !file.EndsWith(".log", StringComparison.Ordinal)))
        {
            report = await new WorkloadRunner(engine, Load("workload-hot-ips.json"), trace).RunAsync(requests);
        }

        return (report, path);
    }

    [Theory]
    [InlineData("events.log")]
    [InlineData("events.bin")]
    public async Task TwentyThousandRequestsReadBackWithMatchingCounts(string file)
    {
        var (report, path) = await RunTraced(file, 20_000);
        Assert.Equal(20_000, report.Requests);
        var diags = new DiagnosticBag();
        var data = TraceFile.Read(path, WeatherEngine.Module, diags);
        Assert.True(data is not null, string.Join("\n", diags.Items));
        Assert.Equal(20_000, data!.Requests.Count);
        Assert.All(data.Requests, r => Assert.Equal(7, r.Nodes.Length));
        Assert.Equal("Weather", data.Header.Service);
        Assert.Equal(WeatherEngine.Module.Graphs[0].Hash, data.Header.Graphs[0].Hash);
        var ran = data.Requests.Sum(r => r.Nodes.Count(n => n.Status == NodeStatus.Ran));
        Assert.True(ran > 20_000 * 4, $"ran {ran}");
        Assert.Equal(Enumerable.Range(1, 20_000).Select(i => (long)i), data.Requests.Select(r => r.Id).Order());
        var mean = data.Requests.Average(r => r.LatencyMs);
        Assert.Equal(report.Overall.MeanMs, mean, 1);
    }

    [Fact]
    public async Task TextAndBinaryTracesOfOneRunAreIdentical()
    {
        var (_, text) = await RunTraced("a.log", 500);
        var (_, bin) = await RunTraced("a.bin", 500);
        var diags = new DiagnosticBag();
        var a = TraceFile.Read(text, diags)!;
        var b = TraceFile.Read(bin, diags)!;
        Assert.Empty(diags.Items);
        Assert.Equal(a.Header, b.Header with { Graphs = a.Header.Graphs });
        for (var i = 0; i < a.Requests.Count; i++)
        {
            Assert.Equal(a.Requests[i].LatencyMs, b.Requests[i].LatencyMs);
            Assert.Equal(a.Requests[i].Nodes.ToArray(), b.Requests[i].Nodes.ToArray());
            Assert.Equal(a.Requests[i].Edges.ToArray(), b.Requests[i].Edges.ToArray());
        }
    }

    [Fact]
    public async Task ATruncatedTextTraceIsRefusedWithALineNumber()
    {
        var (_, path) = await RunTraced("t.log", 50);
        var lines = File.ReadAllLines(path);
        File.WriteAllLines(path, lines[..40]);
        var diags = new DiagnosticBag();
        Assert.Null(TraceFile.Read(path, diags));
        var d = Assert.Single(diags.Items);
        Assert.Equal("FLX1002", d.Code);
        Assert.Equal(41, d.Span.Line);
        Assert.Contains("t.log(41,1): error FLX1002", d.Format());
    }

    [Fact]
    public async Task ATraceCutMidLineIsRefused()
    {
        var (_, path) = await RunTraced("m.log", 50);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        var diags = new DiagnosticBag();
        Assert.Null(TraceFile.Read(path, diags));
        Assert.Contains(diags.Items, d => d.Code is "FLX1001" or "FLX1002" && d.Span.Line > 2);
    }

    [Fact]
    public async Task ATruncatedBinaryTraceIsRefusedWithAnOffset()
    {
        var (_, path) = await RunTraced("t.bin", 50);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length - 30)]);
        var diags = new DiagnosticBag();
        Assert.Null(TraceFile.Read(path, diags));
        var d = Assert.Single(diags.Items);
        Assert.Equal("FLX1004", d.Code);
        Assert.Contains("byte offset", d.Message);
    }

    [Fact]
    public async Task ACorruptLineIsRefusedAtThatLine()
    {
        var (_, path) = await RunTraced("c.log", 20);
        var lines = File.ReadAllLines(path);
        lines[9] = "N 3 zero 1.000 ran";
        File.WriteAllLines(path, lines);
        var diags = new DiagnosticBag();
        Assert.Null(TraceFile.Read(path, diags));
        Assert.Equal(10, Assert.Single(diags.Items).Span.Line);
    }

    [Fact]
    public async Task ATraceOfAnotherGraphIsRefused()
    {
        var (_, path) = await RunTraced("g.log", 20);
        var module = WeatherEngine.Module;
        var changed = module with { Graphs = [module.Graphs[0] with { Hash = "0000000000000000" }] };
        var diags = new DiagnosticBag();
        Assert.Null(TraceFile.Read(path, changed, diags));
        var d = Assert.Single(diags.Items);
        Assert.Equal("FLX1003", d.Code);
        Assert.Equal(TraceFile.HeaderLine, d.Span.Line);
    }

    [Fact]
    public async Task WorkloadsAreReproducible()
    {
        var a = await new WorkloadRunner(WeatherEngine.Create(), Load("workload-hot-zips.json")).RunAsync(2000);
        var b = await new WorkloadRunner(WeatherEngine.Create(), Load("workload-hot-zips.json")).RunAsync(2000);
        Assert.Equal(a.Rows, b.Rows);
    }

    [Fact]
    public void AFrequencyTableIsHonoured()
    {
        var diags = new DiagnosticBag();
        var w = WorkloadJson.Parse("w.json", """
            { "format": "fluxo-workload/1", "seed": 3, "ratePerSecond": 10,
              "mix": [ { "handler": "weather", "inputs": {
                "ip": { "table": [ { "value": "a", "weight": 31 }, { "value": "b", "weight": 4 }, { "value": "c", "weight": 65 } ] },
                "zip": { "const": "" } } } ] }
            """, WeatherEngine.Module, diags)!;
        Assert.Empty(diags.Items);
        var session = new SessionState(1, new SessionRandom(5));
        var counts = Enumerable.Range(0, 20_000).Select(_ => w.Sessions[0].Steps[0].Draw(session).GetField("ip")!.AsString)
            .GroupBy(x => x).ToDictionary(g => g.Key, g => g.Count() / 20_000.0);
        Assert.InRange(counts["a"], 0.29, 0.33);
        Assert.InRange(counts["b"], 0.03, 0.05);
        Assert.InRange(counts["c"], 0.63, 0.67);
    }

    [Fact]
    public void ABadWorkloadIsALocatedDiagnostic()
    {
        var diags = new DiagnosticBag();
        Assert.Null(WorkloadJson.Parse("w.json", """{ "format": "fluxo-workload/1", "ratePerSecond": 10, "mix": [ { "handler": "nope" } ] }""", WeatherEngine.Module, diags));
        Assert.Contains(diags.Items, d => d.Code == "FLX1021" && d.Span.Path == "$.mix[0].handler");
        diags = new DiagnosticBag();
        Assert.Null(WorkloadJson.Parse("w.json", "{ \"format\": ", WeatherEngine.Module, diags));
        Assert.Equal("FLX1020", Assert.Single(diags.Items).Code);
    }

    [Theory]
    [InlineData("""{ "format": "fluxo-workload/1", "ratePerSecond": 10, "mix": null }""", "$.mix")]
    [InlineData("""{ "format": "fluxo-workload/1", "ratePerSecond": 10, "sessions": 3 }""", "$.sessions")]
    [InlineData("""{ "format": "fluxo-workload/1", "ratePerSecond": 10, "arrival": 5, "mix": [ { "handler": "weather" } ] }""", "$")]
    public void AValueOfTheWrongKindIsADiagnosticNotAnException(string json, string where)
    {
        var diags = new DiagnosticBag();
        Assert.Null(WorkloadJson.Parse("w.json", json, WeatherEngine.Module, diags));
        Assert.Contains(diags.Items, d => d.Code == "FLX1021" && d.Span.Path == where);
    }

    [Fact]
    public async Task ATraceWithAnUnknownClockIsRefused()
    {
        var (_, path) = await RunTraced("k.log", 5);
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"clock\":\"virtual\"", "\"clock\":\"sundial\"", StringComparison.Ordinal));
        var diags = new DiagnosticBag();
        Assert.Null(TraceFile.Read(path, diags));
        Assert.Contains("clock is 'sundial'", Assert.Single(diags.Items).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RequestsWithoutNodeEventsAreRefused()
    {
        var (_, path) = await RunTraced("z.log", 5);
        var lines = File.ReadAllLines(path);
        var header = lines.Take(2);
        File.WriteAllLines(path, [.. header, .. Enumerable.Range(1, 3).Select(i => $"R {i} 1 0 {i}.000 1.000 0 0"), "end 3"]);
        var diags = new DiagnosticBag();
        Assert.Null(TraceFile.Read(path, diags));
        Assert.Contains("0 node events", Assert.Single(diags.Items).Message, StringComparison.Ordinal);
    }
}
