using System.Globalization;
using System.Text.Json;
using Fluxo.Diagnostics;
using Fluxo.Policy;
using Fluxo.TestSupport;
using Fluxo.Trace;

namespace Fluxo.Cli.Tests;

/// <summary>
/// `fluxo optimize --trace` takes an OTLP/JSON export of a service's spans (the Collector file exporter's form): the
/// export of a recorded workload optimizes to exactly the policy its fluxo trace gives.
/// </summary>
public sealed class OtlpTraceTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fluxo-otlp-").FullName;

    private static string Weather => Path.Combine(RepoPaths.Samples, "weather", "weather.ir.json");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (int Code, string Out, string Err) Fluxo(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = Program.BuildRoot().Parse(args).Invoke(new System.CommandLine.InvocationConfiguration { Output = output, Error = error });
        return (code, output.ToString(), error.ToString());
    }

    [Theory]
    [InlineData("cold-tail")]
    [InlineData("hot-ips")]
    public void AnOtlpExportOptimizesToTheSamePolicyAsTheFluxoTrace(string workload)
    {
        var workloadPath = Path.Combine(RepoPaths.Samples, "weather", $"workload-{workload}.json");
        var trace = Path.Combine(_dir, "trace.log");
        var (code, _, error) = Fluxo("run", Weather, "--bindings", Path.Combine(RepoPaths.Samples, "weather", "weather.bindings.json"),
            "--workload", workloadPath, "--requests", "3000", "--trace", trace);
        Assert.True(code == 0, error);
        var budget = JsonDocument.Parse(File.ReadAllText(workloadPath)).RootElement.GetProperty("cacheBudgetBytes").GetInt64().ToString(CultureInfo.InvariantCulture) + "B";

        var diags = new DiagnosticBag();
        var data = TraceFile.Read(trace, diags);
        Assert.True(data is not null, string.Join("\n", diags.Items));
        var otlp = Path.Combine(_dir, "spans.json");
        using (var f = File.Create(otlp))
        {
            OtlpTraceWriter.Write(data, f);
        }

        // Read back, the export holds the same requests, nodes and edges.
        var back = TraceFile.Read(otlp, diags);
        Assert.True(back is not null, string.Join("\n", diags.Items));
        Assert.Equal(data.Requests.Count, back.Requests.Count);
        Assert.Equal(data.Header.Graphs.ToArray(), back.Header.Graphs.ToArray());
        Assert.Equal(data.Requests.Sum(r => r.Edges.Length), back.Requests.Sum(r => r.Edges.Length));
        Assert.Equal(data.Requests.SelectMany(r => r.Edges).Select(e => (e.From, e.To, e.Hash, e.Bytes)).Order(), back.Requests.SelectMany(r => r.Edges).Select(e => (e.From, e.To, e.Hash, e.Bytes)).Order());

        var fromTrace = Path.Combine(_dir, "from-trace.json");
        var fromOtlp = Path.Combine(_dir, "from-otlp.json");
        (code, _, error) = Fluxo("optimize", Weather, "--trace", trace, "--budget", budget, "-o", fromTrace);
        Assert.True(code == 0, error);
        (code, _, error) = Fluxo("optimize", Weather, "--trace", otlp, "--budget", budget, "-o", fromOtlp);
        Assert.True(code == 0, error);
        Assert.Equal(Decisions(fromTrace), Decisions(fromOtlp));
        Assert.NotEmpty(PolicyJson.Read(fromTrace, new DiagnosticBag())!.Caches);
    }

    [Fact]
    public void AMalformedExportIsALocatedDiagnostic()
    {
        var path = Path.Combine(_dir, "bad.json");
        File.WriteAllText(path, "{\"resourceSpans\": []}\n{\"resourceSpans\": [ oops\n");
        var (code, _, error) = Fluxo("optimize", Weather, "--trace", path, "--budget", "4KB", "-o", Path.Combine(_dir, "p.json"));
        Assert.Equal(1, code);
        Assert.Contains("bad.json(2,", error, StringComparison.Ordinal);
        Assert.Contains("OTLP/JSON", error, StringComparison.Ordinal);
    }

    [Fact]
    public void AnExportWithoutFluxoSpansIsRefused()
    {
        var path = Path.Combine(_dir, "foreign.json");
        File.WriteAllText(path, """{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"01","spanId":"02","name":"GET /","startTimeUnixNano":"1","endTimeUnixNano":"2"}]}]}]}""" + "\n");
        var (code, _, error) = Fluxo("optimize", Weather, "--trace", path, "--budget", "4KB", "-o", Path.Combine(_dir, "p.json"));
        Assert.Equal(1, code);
        Assert.Contains("no request span", error, StringComparison.Ordinal);
    }

    /// <summary>The policy's decisions: caches (nodes and bytes), pre-computations and speculations, without the file's metadata.</summary>
    private static string Decisions(string policyPath)
    {
        var policy = PolicyJson.Read(policyPath, new DiagnosticBag())!;
        return JsonSerializer.Serialize(new
        {
            caches = policy.Caches.Select(c => new { c.Handler, nodes = string.Join(",", c.Nodes), c.Bytes }),
            precompute = policy.Precompute.Select(p => p.Handler + ":" + string.Join(",", p.Nodes)),
            speculate = policy.Speculate.Select(s => s.Handler + ":" + string.Join(",", s.Nodes)),
        });
    }
}
