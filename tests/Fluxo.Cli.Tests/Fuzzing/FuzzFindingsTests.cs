using System.Text.Json.Nodes;
using Fluxo.TestSupport;

namespace Fluxo.Cli.Tests.Fuzzing;

/// <summary>Inputs the fuzz campaign found crashing a command, each now a located error with exit 1.</summary>
public sealed class FuzzFindingsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fluxo-findings-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Weather => Path.Combine(RepoPaths.Samples, "weather", "weather.flimp");

    private static string HotIps => Path.Combine(RepoPaths.Samples, "weather", "workload-hot-ips.json");

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static void RefusedCleanly(params string[] args)
    {
        var (exit, output, error) = CliRunner.Run(args);
        Assert.True(exit == 1, $"exit {exit}\n{output}\n{error}");
        Assert.Contains("error FLX", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output + error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "format": "fluxo-bindings/1", "externs": { "ipToCity": true } }""")]
    [InlineData("""{ "format": "fluxo-bindings/1", "externs": 5 }""")]
    [InlineData("""{ "format": "fluxo-bindings/1", "externs": { "ipToCity": { "url": [] } } }""")]
    public void BindingsWithAValueOfTheWrongKind(string json) =>
        RefusedCleanly("run", Weather, "--bindings", Write("b.json", json), "-w", HotIps, "-n", "5");

    [Fact]
    public void APipeWithAPropertyGivenTwice()
    {
        var text = File.ReadAllText(Path.Combine(RepoPaths.Samples, "pipes", "counting.json"));
        var at = text.IndexOf('{', StringComparison.Ordinal) + 1;
        RefusedCleanly("graph", Write("p.json", text[..at] + "\"x\": 1, \"x\": 2, " + text[at..]));
    }

    /// <summary>Found by the campaign with seed 2002: an embedded module's settings are read first at compile, where
    /// the repeated property threw (exit -2); now import refuses it at the second occurrence.</summary>
    [Fact]
    public void AnEmbeddedModuleWithAPropertyGivenTwice()
    {
        var text = File.ReadAllText(Path.Combine(RepoPaths.Samples, "pipes", "data.json"));
        const string baseSetting = "\"BASE\": {";
        var at = text.IndexOf(baseSetting, StringComparison.Ordinal);
        Assert.True(at > 0, "data.json has no embedded urlbuilder with a BASE setting");
        var pipe = Write("p.json", text[..at] + "\"BASE\": { \"type\": \"text\", \"value\": \"x\" }, " + text[at..]);
        RefusedCleanly("compile", pipe, "-o", Path.Combine(_dir, "out"));
        var (_, _, error) = CliRunner.Run("graph", pipe);
        Assert.Contains("p.json(" + (text[..at].Count(c => c == '\n') + 1) + ",", error, StringComparison.Ordinal);
        Assert.Contains("'BASE' is given twice", error, StringComparison.Ordinal);
    }

    /// <summary>Found by the campaign with seed 2002: IR JSON whose node calls a fn nobody declares compiled to a solution
    /// that did not build; now the IR check refuses the call, at its JSON path.</summary>
    [Fact]
    public void IrCallingAnUndeclaredFn()
    {
        var text = File.ReadAllText(Path.Combine(RepoPaths.Samples, "shortener", "shortener.ir.json"));
        const string call = "\"kind\": \"fn\",\n            \"name\": \"today\"";
        var at = text.IndexOf(call, StringComparison.Ordinal);
        Assert.True(at > 0, "shortener.ir.json has no node calling the fn today");
        var ir = Write("s.ir.json", text[..at] + call.Replace("today", "../../x", StringComparison.Ordinal) + text[(at + call.Length)..]);
        RefusedCleanly("compile", ir, "-o", Path.Combine(_dir, "out"));
        var (_, _, error) = CliRunner.Run("check", ir);
        Assert.Contains("calls fn '../../x', which is not declared", error, StringComparison.Ordinal);
    }

    /// <summary>Found by the campaign with seed 2002: IR JSON without its source file's name crashed compile (the generated
    /// README names it).</summary>
    [Fact]
    public void IrWithoutASourceFile()
    {
        var ir = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Samples, "weather", "weather.ir.json")))!;
        Assert.True(ir.AsObject().Remove("sourceFile"), "weather.ir.json names no source file");
        RefusedCleanly("compile", Write("w.ir.json", ir.ToJsonString()), "-o", Path.Combine(_dir, "out"));
    }

    /// <summary>Found by the campaign with seed 2004: a table key without a type crashed compile.</summary>
    [Fact]
    public void IrWithATableKeyWithoutAType()
    {
        var ir = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Samples, "auth", "auth.ir.json")))!;
        var table = ir["tables"]!.AsArray().FirstOrDefault();
        Assert.NotNull(table);
        table!["rowKey"]!["type"] = null;
        RefusedCleanly("compile", Write("a.ir.json", ir.ToJsonString()), "-o", Path.Combine(_dir, "out"));
    }

    [Fact]
    public void IrWithAFnWithoutReturnType()
    {
        var ir = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Samples, "weather", "weather.ir.json")))!;
        ir["functions"]![0]!.AsObject().Remove("returnType");
        RefusedCleanly("compile", Write("w.ir.json", ir.ToJsonString()), "-o", Path.Combine(_dir, "out"));
    }

    [Fact]
    public void ATraceHeaderWithANullGraph()
    {
        var trace = Path.Combine(_dir, "t.trace");
        Assert.Equal(0, CliRunner.Run("run", Weather, "-w", HotIps, "-n", "20", "-t", trace, "--trace-format", "text").Exit);
        var lines = File.ReadAllLines(trace);
        lines[1] = lines[1].Replace("\"graphs\":[", "\"graphs\":[null,", StringComparison.Ordinal);
        File.WriteAllLines(trace, lines);
        RefusedCleanly("simulate", Weather, "--trace", trace, "--policy", Path.Combine(RepoPaths.Samples, "weather", "policy-ip-subgraph.json"));
    }

    [Theory]
    [InlineData("text")]
    [InlineData("binary")]
    public void ATraceWithAnEditedHash(string form)
    {
        // Issue 18, defect 10: the edited trace was replayed as if it had been recorded (exit 0).
        var trace = Path.Combine(_dir, "t." + form);
        Assert.Equal(0, CliRunner.Run("run", Weather, "-w", HotIps, "-n", "20", "-t", trace, "--trace-format", form).Exit);
        var edge = Fluxo.Trace.TraceFile.Read(trace, new Fluxo.Diagnostics.DiagnosticBag())!.Requests[5].Edges[0];
        var hash = new byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(hash, edge.Hash);
        var bytes = File.ReadAllBytes(trace);
        var at = bytes.AsSpan().IndexOf(form == "text" ? System.Text.Encoding.ASCII.GetBytes($"{edge.Hash:x16}") : hash);
        bytes[at] = form == "text" ? (byte)(bytes[at] == '1' ? '2' : '1') : (byte)(bytes[at] ^ 1);
        File.WriteAllBytes(trace, bytes);
        var (exit, _, error) = CliRunner.Run("simulate", Weather, "--trace", trace, "--policy", Path.Combine(RepoPaths.Samples, "weather", "policy-ip-subgraph.json"));
        Assert.Equal(1, exit);
        Assert.Contains("error FLX7050", error, StringComparison.Ordinal);
    }
}
