using System.Text.Json.Nodes;
using Fluxo.Diagnostics;
using Fluxo.Ir;
using Fluxo.Pipes.Fetching;
using Fluxo.Pipes.Import;
using Fluxo.Pipes.Modules;
using Fluxo.Pipes.Running;
using Fluxo.TestSupport;
using Fluxo.Values;

namespace Fluxo.Pipes.Tests;

/// <summary>Every Yahoo module type: the catalog, the importer, the executor and docs/pipes.md agree on what each does.</summary>
public sealed class ModuleCatalogTests
{
    private const string Output = """{"type":"output","id":"_OUTPUT","conf":{}}""";

    private static (IrModule? Module, DiagnosticBag Diags) Import(string json)
    {
        var diags = new DiagnosticBag();
        return (PipeImporter.Import("p.json", json, PipeSearchPath.Empty, diags), diags);
    }

    private static string Wire(string id, string from, string to, string port = "_INPUT", string output = "_OUTPUT") =>
        $$$"""{"id":"{{{id}}}","src":{"id":"{{{output}}}","moduleid":"{{{from}}}"},"tgt":{"id":"{{{port}}}","moduleid":"{{{to}}}"}}""";

    private static Node NodeOf(string type, string conf = "{}") =>
        new(1, NodeKind.PipeModule, $"{type} sw-1", type, [new NodeInput(0, Port: "_INPUT")], null, null, ModuleCatalog.IrType(type), NodeProps.Pure,
            SourceSpan.At("p.json", 3, 5), JsonNode.Parse(conf)!.AsObject());

    private static PipeModuleExecutor Executor() => new(PipeRunOptions.With(FixtureFetcher.Load(Path.Combine(RepoPaths.Samples, "pipes", "fixtures")), Corpus.Clock));

    public static TheoryData<string> Types(ModuleStatus status) => [.. ModuleCatalog.All.Where(m => m.Status == status).Select(m => m.Type)];

    public static TheoryData<string> Implemented() => Types(ModuleStatus.Implemented);

    public static TheoryData<string> Gone() => Types(ModuleStatus.ServiceGone);

    public static TheoryData<string> Refused() => Types(ModuleStatus.Refused);

    [Theory]
    [MemberData(nameof(Implemented))]
    public async Task Every_implemented_type_runs_or_names_a_setting(string type)
    {
        try
        {
            await Executor().ExecuteAsync(NodeOf(type), [Value.EmptyList], CancellationToken.None);
        }
        catch (PipeRuntimeException e)
        {
            // With no settings some modules cannot run; they must say which setting, never that the type is unknown.
            Assert.Equal("FLX3107", e.Diagnostic.Code);
        }
    }

    [Theory]
    [MemberData(nameof(Gone))]
    public async Task Every_type_whose_service_is_gone_imports_and_stops_the_run_naming_the_service(string type)
    {
        var (module, diags) = Import($$$"""{"modules":[{"type":"{{{type}}}","id":"sw-1","conf":{}},{{{Output}}}],"wires":[{{{Wire("_w1", "sw-1", "_OUTPUT")}}}]}""");
        Assert.True(module is not null, string.Join("\n", diags.Items));
        var e = await Assert.ThrowsAsync<PipeRuntimeException>(async () => await Executor().ExecuteAsync(NodeOf(type), [Value.EmptyList], CancellationToken.None));
        Assert.Equal(("FLX3104", 3), (e.Diagnostic.Code, e.Diagnostic.Span.Line));
        Assert.Contains($"({type}) cannot run: {ModuleCatalog.Find(type)!.Notes}", e.Diagnostic.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Refused))]
    public void Every_refused_type_is_refused_at_import_by_name_at_its_type(string type)
    {
        var (module, diags) = Import($$$"""{"modules":[{"type":"{{{type}}}","id":"sw-1","conf":{}},{{{Output}}}],"wires":[{{{Wire("_w1", "sw-1", "_OUTPUT")}}}]}""");
        Assert.Null(module);
        var d = Assert.Single(diags.Items);
        Assert.Equal(("FLX3201", "$.modules[0].type"), (d.Code, d.Span.Path));
        Assert.Contains($"Yahoo's {ModuleCatalog.Find(type)!.Name} ('{type}')", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_refused_type_inside_a_loop_is_refused_too()
    {
        var loop = """{"type":"loop","id":"sw-2","conf":{"embed":{"type":"module","value":{"type":"webservice","id":"sw-3","conf":{}}}}}""";
        var (_, diags) = Import($$$"""{"modules":[{{{loop}}},{{{Output}}}],"wires":[{{{Wire("_w1", "sw-2", "_OUTPUT")}}}]}""");
        var d = Assert.Single(diags.Items);
        Assert.Equal(("FLX3201", "$.modules[0].conf.embed.value.type"), (d.Code, d.Span.Path));
    }

    [Fact]
    public void A_splits_two_outputs_are_separate_edges_read_by_name()
    {
        var fetch = """{"type":"fetch","id":"sw-1","conf":{"URL":{"type":"url","value":"http://a/feed"}}}""";
        var split = """{"type":"split","id":"sw-2","conf":{}}""";
        var union = """{"type":"union","id":"sw-3","conf":{}}""";
        var (module, diags) = Import($$$"""
            {"modules":[{{{fetch}}},{{{split}}},{{{union}}},{{{Output}}}],"wires":[{{{Wire("_w1", "sw-1", "sw-2")}}},
             {{{Wire("_w2", "sw-2", "sw-3")}}},{{{Wire("_w3", "sw-2", "sw-3", "_OTHER", "_OUTPUT2")}}},{{{Wire("_w4", "sw-3", "_OUTPUT")}}}]}
            """);
        Assert.True(module is not null, string.Join("\n", diags.Items));
        var graph = module!.Graphs[0];
        var splitNode = graph.Nodes.Single(n => n.Target == "split");
        Assert.Equal("record", splitNode.Type);
        var fromSplit = graph.Edges().Where(e => e.From == splitNode.Id).ToList();
        Assert.Equal(["_OUTPUT", "_OUTPUT2"], fromSplit.Select(e => e.Field));
        Assert.All(graph.Edges().Where(e => e.From != splitNode.Id && e.From != graph.SourceId), e => Assert.Null(e.Field));
    }

    [Fact]
    public void A_wire_from_an_output_the_module_does_not_have_is_located_at_the_wire()
    {
        var fetch = """{"type":"fetch","id":"sw-1","conf":{"URL":{"type":"url","value":"http://a/feed"}}}""";
        var (module, diags) = Import($$$"""{"modules":[{{{fetch}}},{{{Output}}}],"wires":[{{{Wire("_w1", "sw-1", "_OUTPUT", output: "_OUTPUT2")}}}]}""");
        Assert.Null(module);
        var d = Assert.Single(diags.Items);
        Assert.Equal(("FLX3202", "$.wires[0].src.id"), (d.Code, d.Span.Path));
        Assert.Contains("'_OUTPUT2' of module 'sw-1' (fetch), which has only _OUTPUT", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_loop_cannot_embed_a_split()
    {
        var loop = """{"type":"loop","id":"sw-2","conf":{"embed":{"type":"module","value":{"type":"split","id":"sw-3","conf":{}}}}}""";
        var (_, diags) = Import($$$"""{"modules":[{{{loop}}},{{{Output}}}],"wires":[{{{Wire("_w1", "sw-2", "_OUTPUT")}}}]}""");
        var d = Assert.Single(diags.Items);
        Assert.Equal("FLX3002", d.Code);
        Assert.Contains("'split'", d.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1", "a-b-a", "A-b-a")]
    [InlineData("2", "a-b-a", "a-b-A")]
    [InlineData("3", "a-b-a", "A-b-A")]
    [InlineData("3", "xyz", "xyz")]
    public async Task String_replace_takes_the_first_last_or_every_occurrence(string param, string input, string expected)
    {
        var conf = $$$"""{"RULE":[{"find":{"type":"text","value":"a"},"param":{"type":"text","value":"{{{param}}}"},"replace":{"type":"text","value":"A"}}]}""";
        var outcome = await Executor().ExecuteAsync(NodeOf("strreplace", conf), [Value.String(input)], CancellationToken.None);
        Assert.Equal(expected, outcome.Value.AsString);
    }

    [Fact]
    public async Task String_replace_with_an_unknown_occurrence_names_the_setting()
    {
        var conf = """{"RULE":{"find":{"value":"a"},"param":{"value":"9"},"replace":{"value":"A"}}}""";
        var e = await Assert.ThrowsAsync<PipeRuntimeException>(async () => await Executor().ExecuteAsync(NodeOf("strreplace", conf), [Value.String("a")], CancellationToken.None));
        Assert.Equal(("FLX3107", 3, 5), (e.Diagnostic.Code, e.Diagnostic.Span.Line, e.Diagnostic.Span.Column));
        Assert.Contains("'9' is not 1 (first), 2 (last) or 3 (every)", e.Diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sub_element_flattens_lists_along_its_path()
    {
        var sonnet = ValueJson.Parse("""
            {"title":"Sonnet","stanzas":[{"id":"st1","verses":["a","b"]},{"id":"st2","verses":["c"]},{"id":"st3","verses":"d"}]}
            """);
        var verses = await Executor().ExecuteAsync(NodeOf("subelement", """{"path":{"type":"text","value":"stanzas.verses"}}"""), [Value.List([sonnet])], CancellationToken.None);
        Assert.Equal(["a", "b", "c", "d"], verses.Value.AsList.Select(v => v.GetField("content")!.AsString));
        var stanzas = await Executor().ExecuteAsync(NodeOf("subelement", """{"path":{"subkey":"stanzas"}}"""), [Value.List([sonnet])], CancellationToken.None);
        Assert.Equal(["st1", "st2", "st3"], stanzas.Value.AsList.Select(v => v.GetField("id")!.AsString));
    }

    [Fact]
    public void The_module_table_in_docs_pipes_md_is_the_catalog_with_the_corpus_counts()
    {
        Corpus.Require();

        var path = Path.Combine(RepoPaths.Root, "docs", "pipes.md");
        const string begin = "<!-- module table: generated from ModuleCatalog and the corpus by ModuleCatalogTests -->\n";
        const string end = "<!-- end of module table -->";
        var text = File.ReadAllText(path);
        var from = text.IndexOf(begin, StringComparison.Ordinal);
        var to = text.IndexOf(end, StringComparison.Ordinal);
        Assert.True(from >= 0 && to > from, $"{path} has no module table markers");
        var expected = ModuleTable.Markdown(ModuleTable.Uses(Corpus.Pipes));
        var current = text[(from + begin.Length)..to];
        if (Environment.GetEnvironmentVariable("FLUXO_UPDATE_BASELINES") == "1")
        {
            File.WriteAllText(path, text[..(from + begin.Length)] + expected + text[to..]);
            current = expected;
        }

        Assert.True(expected == current, "the module table in docs/pipes.md is stale; rerun this test with FLUXO_UPDATE_BASELINES=1");
    }

    [Fact]
    public void The_corpus_uses_only_types_the_catalog_knows_and_its_counts_are_as_stated()
    {
        Corpus.Require();

        var uses = ModuleTable.Uses(Corpus.Pipes);
        Assert.All(uses.Keys, t => Assert.True(t == ModuleTable.SubPipeRow || ModuleCatalog.Find(t) is not null, t));
        Assert.Equal((29, 29), uses["output"]);
        Assert.Equal((20, 11), uses["loop"]);
        Assert.Equal((1, 1), uses["split"]);
        Assert.Equal(184, uses.Values.Sum(u => u.Modules));
    }
}
