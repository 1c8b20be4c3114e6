using Fluxo.Diagnostics;
using Fluxo.Ir;
using Fluxo.TestSupport;
using Fluxo.Trace;

namespace Fluxo.Cli.Tests;

public sealed class RunCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fluxo-run-").FullName;

    public RunCommandTests()
    {
        File.WriteAllText(Service, IrJson.Serialize(WeatherIr.Module()));
        File.Copy(Path.Combine(RepoPaths.Samples, "weather", "weather.bindings.json"), Path.Combine(_dir, "weather.bindings.json"));
    }

    private string Service => Path.Combine(_dir, "weather.ir.json");

    private static string Weather => Path.Combine(RepoPaths.Samples, "weather", "weather.flimp");

    private static string Sample(string name) => Path.Combine(RepoPaths.Samples, "weather", name);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = Program.Invoke(args, new System.CommandLine.InvocationConfiguration { Output = output, Error = error });
        return (code, output.ToString(), error.ToString());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void OneRequestPrintsThePageAsJson(bool flimp)
    {
        var (code, output, error) = Run("run", flimp ? Weather : Service, "--handler", "weather", "--input", "ip=131.107.0.1", "--input", "zip=");
        Assert.True(code == 0, error);
        Assert.StartsWith("\"<p>Redmond: ", output.Trim());
        Assert.EndsWith("</p>\"", output.Trim());
    }

    [Fact]
    public void AWorkloadWritesATraceAndATable()
    {
        var trace = Path.Combine(_dir, "events.log");
        var (code, output, error) = Run("run", Weather, "--workload", Sample("workload-hot-zips.json"), "--requests", "2000", "--trace", trace);
        Assert.True(code == 0, error);
        Assert.Contains("p50 ms", output);
        Assert.Contains("weather", output);
        Assert.Matches(@"all\s+2,000\s+0\s", output);
        var data = TraceFile.Read(trace, new DiagnosticBag());
        Assert.Equal(2000, data!.Requests.Count);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ATraceTheDiskRefusesIsADiagnosticNotACrash(bool workload)
    {
        // /dev/full takes the file open and refuses every write (ENOSPC); a missing folder refuses the open.
        Assert.True(File.Exists("/dev/full"), "this test needs Linux's /dev/full");
        string[] what = workload ? ["--workload", Sample("workload-hot-zips.json"), "--requests", "3000"] : ["--handler", "weather", "--input", "ip=131.107.0.1", "--input", "zip="];
        var full = Run(["run", Weather, .. what, "--trace", "/dev/full"]);
        Assert.Equal(1, full.Code);
        Assert.Contains("/dev/full(1,1): error FLX9013", full.Err);
        Assert.Contains("writing the trace failed", full.Err);
        Assert.DoesNotContain("   at ", full.Err);

        var missing = Path.Combine(_dir, "no-such-folder", "run.trace");
        var open = Run(["run", Weather, .. what, "--trace", missing]);
        Assert.Equal(1, open.Code);
        Assert.Contains($"{missing}(1,1): error FLX9013", open.Err);
        Assert.DoesNotContain("   at ", open.Err);
    }

    [Fact]
    public void TracesAreBinaryByDefaultAndConvertBothWays()
    {
        var trace = Path.Combine(_dir, "events.log");
        Assert.Equal(0, Run("run", Weather, "--workload", Sample("workload-hot-zips.json"), "--requests", "300", "--trace", trace).Code);
        Assert.True(TraceFile.IsBinary(trace));
        var text = Path.Combine(_dir, "events.txt");
        var back = Path.Combine(_dir, "back.any");
        var toText = Run("traces", "convert", trace, text);
        Assert.True(toText.Code == 0, toText.Err);
        Assert.StartsWith("fluxo-trace/1 text\n", File.ReadAllText(text));
        Assert.Equal(0, Run("traces", "convert", text, back, "--to", "binary").Code);
        Assert.Equal(File.ReadAllBytes(trace), File.ReadAllBytes(back));
        var bad = Run("traces", "convert", trace, Path.Combine(_dir, "x"), "--to", "xml");
        Assert.Equal(1, bad.Code);
        Assert.Contains("error FLX1101", bad.Err);
    }

    [Fact]
    public void TheSamplePolicyFitsTheWeatherServiceAndLowersLatency()
    {
        var plain = Run("run", Weather, "--workload", Sample("workload-hot-ips.json"), "--requests", "3000");
        var cached = Run("run", Weather, "--workload", Sample("workload-hot-ips.json"), "--requests", "3000", "--policy", Sample("policy-ip-subgraph.json"));
        Assert.True(cached.Code == 0, cached.Err);
        Assert.Contains("cache weather[1,2] budget 24,576 B", cached.Out);
        Assert.True(Median(cached.Out) < Median(plain.Out), cached.Out + plain.Out);
    }

    [Fact]
    public void ARunWithAPolicyConfirmsTheSimulatorsPrediction()
    {
        // The shared cache semantics: replaying an untraced run's trace under a policy predicts exactly what a run with it measures.
        var trace = Path.Combine(_dir, "plain.log");
        Assert.Equal(0, Run("run", Weather, "--workload", Sample("workload-hot-ips.json"), "--requests", "5000", "--trace", trace).Code);
        var simulated = Run("simulate", Weather, "--trace", trace, "--policy", Sample("policy-ip-subgraph.json"));
        Assert.True(simulated.Code == 0, simulated.Err);
        var measured = Run("run", Weather, "--workload", Sample("workload-hot-ips.json"), "--requests", "5000", "--policy", Sample("policy-ip-subgraph.json"));
        var predicted = simulated.Out.Split('\n').First(l => l.StartsWith("policy ", StringComparison.Ordinal) && !l.Contains("p50", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var actual = measured.Out.Split('\n').Single(l => l.StartsWith("all", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(predicted[1..5], new[] { actual[4], actual[5], actual[6], actual[3] });
    }

    private static double Median(string table)
    {
        var all = table.Split('\n').Single(l => l.StartsWith("all", StringComparison.Ordinal));
        return double.Parse(all.Split(' ', StringSplitOptions.RemoveEmptyEntries)[4], System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public void APolicyShowsItsCacheInTheReport()
    {
        var g = WeatherIr.Module().Graphs[0];
        var policy = Path.Combine(_dir, "policy.json");
        File.WriteAllText(policy, Fluxo.Policy.PolicyJson.Serialize(Fluxo.Policy.PolicyDocument.Empty("Weather", 65536) with
        {
            Caches = [new Fluxo.Policy.CacheDecision("weather", g.Hash, [WeatherIr.ZipToWeather], 65536, "lru", 0, 0)],
        }));
        var workload = Path.Combine(RepoPaths.Samples, "weather", "workload-hot-zips.json");
        var (code, output, error) = Run("run", Service, "--workload", workload, "--requests", "1000", "--policy", policy);
        Assert.True(code == 0, error);
        Assert.Contains("cache weather[3] budget 65,536 B", output);
    }

    [Theory]
    [InlineData("run", "missing.ir.json", "--handler", "weather")]
    [InlineData("run", "{service}", "--handler", "nope")]
    [InlineData("run", "{service}", "--workload", "missing.json")]
    [InlineData("run", "{service}", "--handler", "weather", "--input", "novalue")]
    public void BadInputIsADiagnosticAndExitCodeOne(params string[] args)
    {
        var (code, _, error) = Run([.. args.Select(a => a.Replace("{service}", Service))]);
        Assert.Equal(1, code);
        Assert.Matches(@"\(\d+,\d+\): error FLX\d{4}", error);
    }

    // A command line that asks for something impossible is a usage error: exit 2, still a located diagnostic.
    [Theory]
    [InlineData("run", "{service}", "--handler", "weather", "--workload", "w.json")]
    [InlineData("run", "{service}", "--handler", "weather", "--clock", "sideways")]
    public void UsageErrorsAreDiagnosticsAndExitCodeTwo(params string[] args)
    {
        var (code, _, error) = Run([.. args.Select(a => a.Replace("{service}", Service))]);
        Assert.Equal(2, code);
        Assert.Matches(@"\(\d+,\d+\): error FLX\d{4}", error);
    }

    [Fact]
    public void AMissingInputIsAnErrorNotACrash()
    {
        var (code, _, error) = Run("run", Service, "--handler", "weather", "--input", "ip=1.2.3.4");
        Assert.Equal(1, code);
        Assert.Contains("error FLX0303: handler 'weather' needs parameter 'zip'", error);
    }
}
