using Fluxo.Diagnostics;
using Fluxo.Ir;
using Fluxo.Pipes.Import;
using Fluxo.Pipes.Modules;

namespace Fluxo.Pipes.Tests;

/// <summary>The importer on small pipes written here: malformed input, quirks, ids and properties.</summary>
public sealed class ImporterTests
{
    private static (IrModule? Module, DiagnosticBag Diags) Import(string json, PipeSearchPath? search = null)
    {
        var diags = new DiagnosticBag();
        return (PipeImporter.Import("p.json", json, search ?? PipeSearchPath.Empty, diags), diags);
    }

    private const string Fetch = """{"type":"fetch","id":"sw-1","conf":{"URL":{"type":"url","value":"http://a/feed"}}}""";
    private const string Output = """{"type":"output","id":"_OUTPUT","conf":{}}""";

    private static string Wire(string id, string from, string to, string port = "_INPUT") =>
        $$$"""{"id":"{{{id}}}","src":{"id":"_OUTPUT","moduleid":"{{{from}}}"},"tgt":{"id":"{{{port}}}","moduleid":"{{{to}}}"}}""";

    [Fact]
    public void Bad_json_is_located_by_line_and_column()
    {
        var (module, diags) = Import("{\n  \"modules\": [\n    {\"type\": \"fetch\",, }\n  ]\n}");
        Assert.Null(module);
        var d = Assert.Single(diags.Items);
        Assert.Equal("FLX3001", d.Code);
        Assert.Equal(3, d.Span.Line);
        Assert.True(d.Span.Column > 1);
    }

    [Fact]
    public void Unknown_module_type_names_the_module_and_its_json_path()
    {
        var (module, diags) = Import($$$"""{"modules":[{{{Fetch}}},{"type":"teleport","id":"sw-9","conf":{}},{{{Output}}}],"wires":[]}""");
        Assert.Null(module);
        var d = Assert.Single(diags.Items);
        Assert.Equal("FLX3003", d.Code);
        Assert.Equal("$.modules[1].type", d.Span.Path);
        Assert.Contains("teleport", d.Message, StringComparison.Ordinal);
        Assert.Equal(1, d.Span.Line);
        Assert.Equal(1 + """{"modules":[""".Length + Fetch.Length + 1 + """{"type":""".Length, d.Span.Column);
    }

    [Fact]
    public void Unknown_type_inside_a_loop_is_found_too()
    {
        var loop = """{"type":"loop","id":"sw-2","conf":{"embed":{"type":"module","value":{"type":"nope","id":"sw-3","conf":{}}}}}""";
        var (_, diags) = Import($$$"""{"modules":[{{{Fetch}}},{{{loop}}},{{{Output}}}],"wires":[{{{Wire("_w1", "sw-1", "sw-2")}}},{{{Wire("_w2", "sw-2", "_OUTPUT")}}}]}""");
        var d = Assert.Single(diags.Items);
        Assert.Equal("FLX3003", d.Code);
        Assert.Equal("$.modules[1].conf.embed.value.type", d.Span.Path);
    }

    [Fact]
    public void Dangling_wire_is_an_error_at_the_wire()
    {
        var (module, diags) = Import($$$"""{"modules":[{{{Fetch}}},{{{Output}}}],"wires":[{{{Wire("_w1", "sw-404", "_OUTPUT")}}}]}""");
        Assert.Null(module);
        var d = Assert.Single(diags.Items);
        Assert.Equal("FLX3004", d.Code);
        Assert.Equal("$.wires[0].src.moduleid", d.Span.Path);
        Assert.Contains("sw-404", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Cycle_is_an_error_naming_its_modules()
    {
        var a = """{"type":"filter","id":"sw-5","conf":{}}""";
        var b = """{"type":"sort","id":"sw-6","conf":{}}""";
        var (module, diags) = Import($$$"""{"modules":[{{{a}}},{{{b}}},{{{Output}}}],"wires":[{{{Wire("_w1", "sw-5", "sw-6")}}},{{{Wire("_w2", "sw-6", "sw-5")}}},{{{Wire("_w3", "sw-6", "_OUTPUT")}}}]}""");
        Assert.Null(module);
        var d = Assert.Single(diags.Items);
        Assert.Equal("FLX3005", d.Code);
        Assert.Contains("sw-5", d.Message, StringComparison.Ordinal);
        Assert.Contains("sw-6", d.Message, StringComparison.Ordinal);
        Assert.Equal("$.modules[0]", d.Span.Path);
    }

    [Fact]
    public void Missing_output_and_missing_modules_are_errors()
    {
        Assert.Equal("FLX3007", Assert.Single(Import($$$"""{"modules":[{{{Fetch}}}],"wires":[]}""").Diags.Items).Code);
        Assert.Equal("FLX3002", Import("""{"wires":[]}""").Diags.Items[0].Code);
        Assert.Equal("FLX3002", Assert.Single(Import("[1,2]").Diags.Items).Code);
        Assert.Equal("FLX3002", Assert.Single(Import($$$"""{"modules":[{"id":"x"},{{{Output}}}],"wires":[]}""").Diags.Items).Code);
    }

    [Fact]
    public void Duplicate_module_ids_are_errors()
    {
        var (_, diags) = Import($$$"""{"modules":[{{{Fetch}}},{{{Fetch}}},{{{Output}}}],"wires":[]}""");
        Assert.Contains(diags.Items, d => d.Code == "FLX3009" && d.Span.Path == "$.modules[1]");
    }

    [Fact]
    public void Modules_not_feeding_the_output_are_dropped_with_a_warning()
    {
        var (module, diags) = Import($$$"""{"modules":[{{{Fetch}}},{"type":"sort","id":"sw-7"},{{{Output}}}],"wires":[{{{Wire("_w1", "sw-1", "_OUTPUT")}}}]}""");
        Assert.NotNull(module);
        var d = Assert.Single(diags.Items);
        Assert.Equal(("FLX3008", Severity.Warning), (d.Code, d.Severity));
        Assert.Equal(4, module!.Graphs[0].Nodes.Length);
    }

    [Fact]
    public void Node_ids_follow_topological_order_with_ties_broken_by_module_id()
    {
        var modules = """
            [{"type":"union","id":"sw-100"},{"type":"fetch","id":"sw-20","conf":{"URL":{"value":"u"}}},{"type":"fetch","id":"sw-3","conf":{"URL":{"value":"v"}}},
             {"type":"output","id":"_OUTPUT"}]
            """;
        var wires = $"[{Wire("a", "sw-20", "sw-100", "_OTHER")},{Wire("b", "sw-3", "sw-100")},{Wire("c", "sw-100", "_OUTPUT")}]";
        var g = Import($$$"""{"modules":{{{modules}}},"wires":{{{wires}}}}""").Module!.Graphs[0];
        Assert.Equal(["inputs", "fetch sw-3", "fetch sw-20", "union sw-100", "output _OUTPUT", "response"], g.Nodes.Select(n => n.Label));
        Assert.Equal([new NodeInput(1, Port: "_INPUT"), new NodeInput(2, Port: "_OTHER")], g.Nodes[3].Inputs.AsEnumerable());
        Assert.Equal(g.Hash, Import($$$"""{"modules":{{{modules}}},"wires":{{{wires}}}}""").Module!.Graphs[0].Hash);
    }

    [Fact]
    public void User_inputs_are_parameters_and_what_depends_on_them_is_marked()
    {
        var modules = """
            [{"type":"textinput","id":"sw-1","conf":{"name":{"value":"q"},"default":{"type":"text","value":"cats"}}},
             {"type":"urlbuilder","id":"sw-2","conf":{"BASE":{"value":"http://x"},"PARAM":{"key":{"value":"q"},"value":{"terminal":"PARAM_1_value"}}}},
             {"type":"fetch","id":"sw-3","conf":{"URL":{"terminal":"URL"}}},
             {"type":"fetch","id":"sw-4","conf":{"URL":{"value":"http://fixed"}}},
             {"type":"union","id":"sw-5"},{"type":"output","id":"_OUTPUT"}]
            """;
        var wires = $"[{Wire("a", "sw-1", "sw-2", "PARAM_1_value")},{Wire("b", "sw-2", "sw-3", "URL")},{Wire("c", "sw-3", "sw-5")},{Wire("d", "sw-4", "sw-5", "_OTHER")},{Wire("e", "sw-5", "_OUTPUT")}]";
        var g = Import($$$"""{"modules":{{{modules}}},"wires":{{{wires}}}}""").Module!.Graphs[0];
        Assert.Equal([new Param("q", "string")], g.Params.AsEnumerable());
        var byLabel = g.Nodes.ToDictionary(n => n.Label);
        Assert.Equal(new NodeInput(0, Field: "q"), byLabel["textinput sw-1"].Inputs.Single());
        Assert.True(byLabel["fetch sw-3"].Props.DependsOnInput);
        Assert.False(byLabel["fetch sw-4"].Props.DependsOnInput);
        Assert.True(byLabel["fetch sw-4"].Props.IsCacheable);
        Assert.True(byLabel["union sw-5"].Props.DependsOnInput);
    }

    [Fact]
    public void A_date_built_from_now_is_not_deterministic()
    {
        var modules = """[{"type":"datebuilder","id":"sw-1","conf":{"DATE":{"value":"-1 day"}}},{"type":"datebuilder","id":"sw-2","conf":{"DATE":{"value":"10/14/2010"}}},{"type":"union","id":"sw-3"},{"type":"output","id":"_OUTPUT"}]""";
        var wires = $"[{Wire("a", "sw-1", "sw-3")},{Wire("b", "sw-2", "sw-3", "_OTHER")},{Wire("c", "sw-3", "_OUTPUT")}]";
        var g = Import($$$"""{"modules":{{{modules}}},"wires":{{{wires}}}}""").Module!.Graphs[0];
        Assert.False(g.Nodes.Single(n => n.Label == "datebuilder sw-1").Props.Deterministic);
        Assert.True(g.Nodes.Single(n => n.Label == "datebuilder sw-2").Props.Deterministic);
    }

    [Fact]
    public void Ir_json_round_trips_an_imported_pipe()
    {
        var m = Import($$$"""{"modules":[{{{Fetch}}},{{{Output}}}],"wires":[{{{Wire("_w1", "sw-1", "_OUTPUT")}}}]}""").Module!;
        var back = IrJson.Deserialize(IrJson.Serialize(m));
        Assert.Equal(IrJson.Serialize(m), IrJson.Serialize(back));
        Assert.Equal(m.Graphs[0].Hash, IrJson.ComputeHash(back.Graphs[0]));
    }

    [Fact]
    public void Sub_pipes_are_found_on_the_search_path_and_nested_in_the_config()
    {
        var dir = Directory.CreateTempSubdirectory("fluxo-pipes-");
        try
        {
            File.WriteAllText(Path.Combine(dir.FullName, "pipe_child.json"), $$$"""{"modules":[{{{Fetch}}},{{{Output}}}],"wires":[{{{Wire("_w1", "sw-1", "_OUTPUT")}}}]}""");
            var parent = $$$"""{"modules":[{"type":"pipe:child","id":"sw-8","conf":{}},{{{Output}}}],"wires":[{{{Wire("_w1", "sw-8", "_OUTPUT")}}}]}""";
            var (module, diags) = Import(parent, new PipeSearchPath([dir.FullName]));
            Assert.Empty(diags.Items);
            var call = module!.Graphs[0].Nodes[1];
            Assert.Equal("pipe:child", call.Target);
            Assert.Equal("child", call.Config![ModuleCatalog.SubPipeKey]!["id"]!.ToString());

            var missing = Import(parent);
            Assert.Equal("FLX3006", Assert.Single(missing.Diags.Items).Code);

            File.WriteAllText(Path.Combine(dir.FullName, "pipe_self.json"), $$$"""{"modules":[{"type":"pipe:self","id":"sw-8"},{{{Output}}}],"wires":[{{{Wire("_w1", "sw-8", "_OUTPUT")}}}]}""");
            var self = new DiagnosticBag();
            Assert.Null(PipeImporter.ImportFile(Path.Combine(dir.FullName, "pipe_self.json"), null, self));
            Assert.Contains(self.Items, d => d.Code == "FLX3010");
        }
        finally
        {
            dir.Delete(true);
        }
    }

    [Fact]
    public void One_element_lists_may_be_written_as_the_bare_element()
    {
        var bare = """{"type":"filter","id":"sw-2","conf":{"RULE":{"field":{"value":"title"},"op":{"value":"contains"},"value":{"value":"x"}}}}""";
        var (module, diags) = Import($$$"""{"modules":[{{{Fetch}}},{{{bare}}},{{{Output}}}],"wires":[{{{Wire("a", "sw-1", "sw-2")}}},{{{Wire("b", "sw-2", "_OUTPUT")}}}]}""");
        Assert.Empty(diags.Items);
        Assert.Single(Settings.List(module!.Graphs[0].Nodes[2].Config!["RULE"]));
    }

    [Theory]
    [InlineData("""{"modules":[1,"x",null],"wires":[3,"y"]}""")]
    [InlineData("""{"modules":{"type":"output","id":"_OUTPUT","conf":"odd"},"wires":{"id":"w"}}""")]
    [InlineData("""{"modules":[{"type":"loop","id":"sw-1","conf":{"embed":"nothing"}},{"type":"output","id":"o"}],"wires":[]}""")]
    [InlineData("""{"modules":[{"type":"textinput","id":"sw-1","conf":{"name":"plain"}},{"type":"output","id":"o"}],"wires":[{"src":{"moduleid":"sw-1"},"tgt":{"moduleid":"o"}}]}""")]
    [InlineData("""{"modules":[{"type":"filter","id":"sw-1","conf":{"RULE":"abc"}},{"type":"output","id":"o"}],"wires":[{"src":"sw-1","tgt":7}]}""")]
    [InlineData("")]
    [InlineData("null")]
    public void Pipes_of_unexpected_shapes_give_diagnostics_not_exceptions(string json)
    {
        var (module, diags) = Import(json);
        Assert.True(module is not null || diags.HasErrors);
    }
}
