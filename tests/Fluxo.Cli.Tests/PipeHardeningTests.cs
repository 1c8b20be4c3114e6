using System.Text.Json.Nodes;

namespace Fluxo.Cli.Tests;

/// <summary>Issue 18, defect 6: nested sub-pipes run, sub-pipe ids are never paths, fixtures stay in their folder, a slow filter regex is a located diagnostic.</summary>
public sealed class PipeHardeningTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fluxo-pipe-hardening-").FullName;

    public PipeHardeningTests()
    {
        Directory.CreateDirectory(Fixtures);
        File.WriteAllText(Path.Combine(Fixtures, "urls.tsv"), "url\tfixture\nhttp://a.test/news.rss\tnews.rss\nhttp://a.test/slow.rss\tslow.rss\nhttp://a.test/secret\t../fixtures2/secret.rss\n");
        File.WriteAllText(Path.Combine(Fixtures, "news.rss"), Rss("Alpha cats"));
        File.WriteAllText(Path.Combine(Fixtures, "slow.rss"), Rss(new string('a', 40)));
        Directory.CreateDirectory(Path.Combine(_dir, "fixtures2"));
        File.WriteAllText(Path.Combine(_dir, "fixtures2", "secret.rss"), Rss("the secret"));
    }

    private string Fixtures => Path.Combine(_dir, "fixtures");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Rss(string title) =>
        $"""<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item><title>{title}</title><link>http://a.test/1</link></item></channel></rss>""";

    private static JsonObject Module(string type, string id, JsonObject? conf = null) => new() { ["type"] = type, ["id"] = id, ["conf"] = conf ?? [] };

    private static JsonObject Wire(string id, string from, string to) =>
        new() { ["id"] = id, ["src"] = new JsonObject { ["id"] = "_OUTPUT", ["moduleid"] = from }, ["tgt"] = new JsonObject { ["id"] = "_INPUT", ["moduleid"] = to } };

    private static JsonObject Text(string value) => new() { ["type"] = "text", ["value"] = value };

    private static JsonObject Fetch(string url) => Module("fetch", "sw-1", new JsonObject { ["URL"] = new JsonObject { ["type"] = "url", ["value"] = url } });

    /// <summary>A pipe of the given modules wired in a line into the output.</summary>
    private string Pipe(string name, params JsonObject[] modules)
    {
        var ids = modules.Select(m => m["id"]!.ToString()).Append("_OUTPUT").ToList();
        var pipe = new JsonObject
        {
            ["modules"] = new JsonArray([.. modules, Module("output", "_OUTPUT")]),
            ["wires"] = new JsonArray([.. ids.Zip(ids.Skip(1)).Select((p, i) => (JsonNode)Wire("w" + i, p.First, p.Second))]),
        };
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, pipe.ToJsonString());
        return path;
    }

    private (int Code, string Out, string Err) Run(string pipe)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = Program.Invoke(["run", pipe, "--fixtures", Fixtures], new System.CommandLine.InvocationConfiguration { Output = output, Error = error });
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public void SubPipesTwoLevelsDeepRun()
    {
        Pipe("pipe_leaf.json", Fetch("http://a.test/news.rss"));
        Pipe("pipe_mid.json", Module("pipe:leaf", "sw-2"));
        var (code, output, error) = Run(Pipe("top.json", Module("pipe:mid", "sw-3")));
        Assert.True(code == 0, error);
        Assert.Contains("Alpha cats", output);
    }

    [Theory]
    [InlineData("../outside")]
    [InlineData("/etc/passwd")]
    [InlineData("a/b")]
    public void ASubPipeIdThatIsNotAPlainNameIsRefused(string id)
    {
        Pipe("outside.json", Fetch("http://a.test/news.rss"));
        var (code, _, error) = Run(Pipe("calls.json", Module("pipe:" + id, "sw-3")));
        Assert.Equal(1, code);
        Assert.Contains("calls.json(", error);
        Assert.Contains($"error FLX7005: sub-pipe id 'pipe:{id}' is not a plain name", error);
    }

    [Fact]
    public void AFixtureOutsideTheFixturesFolderIsNotServed()
    {
        var (code, output, error) = Run(Pipe("secret.json", Fetch("http://a.test/secret")));
        Assert.Equal(1, code);
        Assert.DoesNotContain("the secret", output + error);
        Assert.Contains("is outside the fixtures folder", error);
        Assert.Matches(@"secret\.json\(\d+,\d+\): error FLX\d{4}", error);
    }

    [Fact]
    public void AFilterRegexTimeoutIsALocatedDiagnostic()
    {
        var rule = new JsonObject { ["field"] = Text("title"), ["op"] = Text("matches"), ["value"] = Text("^(a+)+b$") };
        var filter = Module("filter", "sw-2", new JsonObject { ["MODE"] = Text("permit"), ["COMBINE"] = Text("and"), ["RULE"] = new JsonArray(rule) });
        var (code, _, error) = Run(Pipe("slow.json", Fetch("http://a.test/slow.rss"), filter));
        Assert.Equal(1, code);
        Assert.Matches(@"slow\.json\(\d+,\d+\): error FLX\d{4}: .*took longer than 1000 ms", error);
        Assert.DoesNotContain("RegEx engine", error);
    }

    /// <summary>Level 0 calls <c>pipe:fan{prefix}1</c> six times, and so on down to a leaf that fetches; only the first call feeds the output.</summary>
    private string FanOut(string prefix, int depth)
    {
        for (var k = depth; k >= 0; k--)
        {
            JsonObject[] modules = k == depth ? [Fetch("http://a.test/news.rss")] : Enumerable.Range(0, 6).Select(j => Module($"pipe:{prefix}{k + 1}", "sw-" + j)).ToArray();
            var pipe = new JsonObject
            {
                ["modules"] = new JsonArray([.. modules, Module("output", "_OUTPUT")]),
                ["wires"] = new JsonArray(Wire("w0", modules[0]["id"]!.ToString(), "_OUTPUT")),
            };
            File.WriteAllText(Path.Combine(_dir, k == 0 ? $"{prefix}.json" : $"pipe_{prefix}{k}.json"), pipe.ToJsonString());
        }

        return Path.Combine(_dir, $"{prefix}.json");
    }

    [Fact]
    public void ASubPipeFanOutIsImportedOnceAndRefusedPastTheModuleLimit()
    {
        // Five levels of six calls: each sub-pipe file is read once (9,331 imports before), and the pipe runs.
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var (code, output, error) = Run(FanOut("a", 5));
        Assert.True(code == 0, error);
        Assert.Contains("Alpha cats", output);
        Assert.Equal(5, error.Split('\n').Count(l => l.Contains("warning FLX3008", StringComparison.Ordinal) && l.Contains("'sw-5'", StringComparison.Ordinal)));

        // Seven levels expand to nearly a million modules (26 s and gigabytes before): refused where the limit is passed.
        (code, _, error) = Run(FanOut("b", 7));
        Assert.Equal(1, code);
        Assert.Matches(@"pipe_b1\.json\(\d+,\d+\): error FLX7006: with sub-pipe 'pipe:b2' this pipe expands to more than 100,000 modules", error);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(60), $"took {sw.Elapsed}");
    }

    [Fact]
    public async Task AChainOfSixThousandModulesRunsWithoutOverflowingTheStack()
    {
        // Each module demands the one before it; the demands nested on the stack and the process died (exit 134).
        // A child process, so an overflow fails this test instead of ending the test run.
        var pipe = Pipe("chain.json", [Fetch("http://a.test/news.rss"), .. Enumerable.Range(0, 5999).Select(i => Module("reverse", "r" + i))]);
        var psi = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "fluxo.dll"), "run", pipe, "--fixtures", Fixtures })
        {
            psi.ArgumentList.Add(a);
        }

        using var child = System.Diagnostics.Process.Start(psi)!;
        var stderr = child.StandardError.ReadToEndAsync();
        var stdout = await child.StandardOutput.ReadToEndAsync();
        await child.WaitForExitAsync();
        Assert.True(child.ExitCode == 0, $"exit {child.ExitCode}: {await stderr}");
        Assert.Contains("Alpha cats", stdout);
    }
}
