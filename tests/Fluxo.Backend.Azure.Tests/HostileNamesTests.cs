using System.Text.Json;
using System.Text.Json.Nodes;
using Fluxo.Diagnostics;
using Fluxo.Ir;
using Fluxo.TestSupport;

namespace Fluxo.Backend.Azure.Tests;

/// <summary>
/// The tour sample with its names, labels and file name replaced by hostile strings (keywords, namespaces the
/// generated code uses, line breaks that end comments, quotes that end literals, code): the generated solution
/// must build, and nothing from the program may appear outside an escaped literal or comment.
/// </summary>
public class HostileNamesTests
{
    private const string Payload = "System.IO.File.WriteAllText(\"pwned\", \"x\");";

    /// <summary>Each line break C# knows (CR, LF, NEL, LS, PS), each followed by code.</summary>
    private static readonly string[] Breaks = ["\r", "\n", "\u0085", "\u2028", "\u2029"];

    /// <summary>Consistent renames of the tour's names: the program stays the same program.</summary>
    private static readonly Dictionary<string, string> Renames = new(StringComparer.Ordinal)
    {
        ["Bookmarks"] = "System",
        ["normalize"] = "class",
        ["describe"] = "Fns",
        ["total"] = "await",
        ["announce"] = "operator",
        ["summary"] = "Value",
        ["fetchTitle"] = "new\"\\ }" + "\r" + Payload,
        ["notifyUser"] = "a\u2028" + Payload,
        ["owner"] = "string",
        ["url"] = "request",
        ["tags"] = "x y\n\"z\"",
        ["Marks"] = "journal2",
        ["key"] = "scope",
        ["t"] = "in",
        ["m"] = "\u00e9t\u00e9",
        ["title"] = "*/ " + Payload + " /*",
    };

    public static IrModule Hostile()
    {
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Samples, "tour", "tour.ir.json")))!;
        Rename(json);
        var k = 0;
        foreach (var graph in json["graphs"]!.AsArray())
        {
            foreach (var node in graph!["nodes"]!.AsArray())
            {
                node!["label"] = "label" + Breaks[k++ % Breaks.Length] + Payload + " // \" */";
            }
        }

        json["sourceFile"] = "samples/tour\n" + Payload + "\u2028.flimp";
        var module = IrJson.Deserialize(json.ToJsonString());
        return module with { Graphs = [.. module.Graphs.Select(IrJson.WithHash)] };
    }

    private static void Rename(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, value) in o.ToList())
                {
                    if (value is JsonValue v && v.TryGetValue<string>(out var s) && key != "kind" && key != "type" && Renames.TryGetValue(s, out var to))
                    {
                        o[key] = to;
                    }
                    else
                    {
                        Rename(value);
                    }
                }

                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    if (a[i] is JsonValue v && v.TryGetValue<string>(out var s) && Renames.TryGetValue(s, out var to))
                    {
                        a[i] = to;
                    }
                    else
                    {
                        Rename(a[i]);
                    }
                }

                break;
        }
    }

    [Fact]
    public void HostileNamesCompileToEscapedSource()
    {
        var diagnostics = new DiagnosticBag();
        var files = AzureEmitter.Emit(Hostile(), null, diagnostics);
        Assert.False(diagnostics.HasErrors, string.Join("\n", diagnostics.Items.Select(d => d.Message)));
        // Fluxo.Support is copied verbatim from Fluxo's own sources: nothing of the program reaches it.
        foreach (var f in files.Where(f => !f.Path.Contains("/Fluxo.Support/", StringComparison.Ordinal)))
        {
            var raw = f.Text.IndexOfAny([.. f.Text.Where(ch => ch != '\n' && (char.IsControl(ch) || ch > 0x7e)).Take(1)]);
            Assert.True(raw < 0, $"{f.Path} has a raw control or non-ASCII character at {raw}: {(raw < 0 ? "" : f.Text[Math.Max(0, raw - 60)..raw])}");
            foreach (var line in f.Text.Split('\n').Where(l => f.Path.EndsWith(".cs", StringComparison.Ordinal) && l.Contains("WriteAllText", StringComparison.Ordinal)))
            {
                var t = line.TrimStart();
                Assert.True(t.StartsWith("//", StringComparison.Ordinal) || !line.Contains(Payload, StringComparison.Ordinal), $"{f.Path}: {line}");
            }
        }

        var settings = files.Single(f => f.Path.EndsWith("FrontEnd/appsettings.Development.json", StringComparison.Ordinal));
        using var doc = JsonDocument.Parse(settings.Text);
        Assert.Equal(Renames["fetchTitle"], doc.RootElement.GetProperty("Externs").EnumerateObject().First().Name);
    }

    [Fact]
    public void HostileNamesBuild()
    {
        using var solution = new GeneratedSolution(Hostile(), null);
        Assert.True(solution.ExitCode == 0, solution.BuildLog);
        Assert.Contains("src/SvcSystem.Handlers/", Directory.EnumerateFiles(solution.Dir, "*.cs", SearchOption.AllDirectories).Select(p => Path.GetRelativePath(solution.Dir, p).Replace('\\', '/')).First(p => p.Contains("Handlers", StringComparison.Ordinal)), StringComparison.Ordinal);
    }

    [Fact]
    public void IdentifiersAreDistinctForDistinctNames()
    {
        string[] names = ["a_b", "a b", "a-b", "a__b", "x__a_0020_b", "class", "x__class", "_", "__", "1a", "_1a", "é", "\u00e9", "e\u0301", "Fns", "x__Fns"];
        var ids = names.Distinct(StringComparer.Ordinal).Select(CSharp.Identifier).ToList();
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
        Assert.All(ids, id => Assert.Matches("^[A-Za-z_][A-Za-z0-9_]*$", id));
        Assert.Equal("a_b", CSharp.Identifier("a_b"));
        Assert.NotEqual("class", CSharp.Identifier("class"));
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData("healthz")]
    public void HandlersThatAreNotOnePathSegmentAreRefused(string handler)
    {
        var module = Samples.Counter();
        module = module with { Graphs = [module.Graphs[0] with { Name = handler }, .. module.Graphs[1..]] };
        var diagnostics = new DiagnosticBag();
        AzureEmitter.Emit(module, null, diagnostics);
        Assert.Contains(diagnostics.Items, d => d.Code == "FLX7001");
    }

    [Fact]
    public void TablesSharingAnAzureTableAreRefused()
    {
        var module = Samples.Counter();
        var diagnostics = new DiagnosticBag();
        AzureEmitter.Emit(module with { Tables = [module.Tables[0], module.Tables[0] with { Name = "Coun_ts" }, module.Tables[1] with { Name = "journal" }] }, null, diagnostics);
        Assert.Equal(2, diagnostics.Items.Count(d => d.Code == "FLX7001"));
    }
}
