using Fluxo.Diagnostics;
using Fluxo.Pipes.Fetching;
using Fluxo.Pipes.Import;
using Fluxo.Pipes.Modules;
using Fluxo.Pipes.Running;
using Fluxo.TestSupport;
using Fluxo.Values;

namespace Fluxo.Pipes.Tests;

/// <summary>The hand-written pipes in samples/pipes, one per group of modules, against their own small fixtures.</summary>
public sealed class SampleTests
{
    private static string Dir => Path.Combine(RepoPaths.Samples, "pipes");

    private static async Task<(List<Value>? Items, DiagnosticBag Diags)> Run(string name, Dictionary<string, string>? inputs = null)
    {
        var diags = new DiagnosticBag();
        var module = PipeImporter.ImportFile(Path.Combine(Dir, name + ".json"), null, diags);
        Assert.True(module is not null, string.Join("\n", diags.Items));
        var options = PipeRunOptions.With(FixtureFetcher.Load(Path.Combine(Dir, "fixtures")), Corpus.Clock);
        var result = await PipeRunner.RunAsync(module!, inputs ?? [], options, diags);
        return (result is null ? null : [.. result.Value.Value.AsList], diags);
    }

    private static async Task<List<Value>> Items(string name, Dictionary<string, string>? inputs = null)
    {
        var (items, diags) = await Run(name, inputs);
        Assert.True(items is not null, string.Join("\n", diags.Items));
        return items!;
    }

    private static string T(Value item, string path) => Modules.Items.Text(Modules.Items.Get(item, path));

    [Fact]
    public async Task Rss_atom_and_rdf_feeds_are_read_unioned_and_sorted_by_date()
    {
        var items = await Items("feeds");
        Assert.Equal(["Epsilon", "Beta dogs", "Delta birds", "Alpha cats", "Gamma cats", "Eta", "Zeta"], items.Select(i => T(i, "title")));
        var beta = items[1];
        Assert.Equal("bob", T(beta, "dc:creator"));
        Assert.Equal("tag:b", T(beta, "y:id.value"));
        Assert.Equal(2015, Modules.Items.Get(beta, "y:published.year")!.AsInt);
        Assert.Equal("erin", T(items[0], "author"));
        Assert.Equal("http://example.test/e", T(items[0], "link"));
        Assert.Equal("<b>zoo</b>", T(items[2], "description"));
    }

    [Fact]
    public async Task Filter_regex_rename_and_uniq_follow_yahoo()
    {
        var items = await Items("filters");
        Assert.Equal(["cats: Alpha by alice", "birds: Delta by carol"], items.Select(i => T(i, "headline")));
        Assert.All(items, i => Assert.Null(i.GetField("title")));
        Assert.Equal(["alice", "carol"], items.Select(i => T(i, "author")));
        Assert.Equal("f0o boo", T(items[0], "description"));
        Assert.Equal("http://_xampl_.t_st/a", T(items[0], "link"));
    }

    [Fact]
    public async Task Counts_split_branches_and_number_inputs_wire_into_settings()
    {
        var items = await Items("counting");
        Assert.Equal(["Alpha cats", "Beta dogs", "Gamma cats", "Delta birds", ""], items.Select(i => T(i, "title")));
        Assert.Equal("total: 40", T(items[^1], "summary"));
        Assert.Equal(3, (await Items("counting", new() { ["n"] = "0" })).Count);
    }

    [Fact]
    public async Task Data_paths_loops_and_xml_attributes()
    {
        var items = await Items("data");
        Assert.Equal(["Ann", "Cy", "", ""], items.Select(i => T(i, "name")));
        Assert.Equal("http://example.test/item/3", T(items[1], "detailurl"));
        Assert.Equal("green", T(items[1], "color"));
        Assert.Equal(("b2", "Two", "20"), (T(items[3], "id"), T(items[3], "title"), T(items[3], "price")));
    }

    [Fact]
    public async Task Pages_are_cut_by_token_searched_by_xpath_and_searched_for_feeds()
    {
        var items = await Items("pages");
        Assert.Equal(["one", "two", "three", "First & best", "Second"], items.Take(5).Select(i => T(i, "content")));
        Assert.Equal("/first", T(items[3], "href"));
        Assert.Equal(4 + 1, items.Skip(5).Count());
        Assert.Equal("Alpha cats", T(items[^1], "title"));
    }

    [Fact]
    public async Task Csv_rows_become_items_and_rss_builders_map_fields()
    {
        var items = await Items("csv", new() { ["headline"] = "Mine" });
        Assert.Equal(["Ann", "Bo", "Cy \"the third\"", "Mine"], items.Select(i => T(i, "title")));
        Assert.Equal("likes cats, dogs", T(items[0], "description"));
        Assert.Null(items[2].GetField("description"));
        Assert.Equal("http://example.test/built", T(items[3], "link"));
        Assert.Equal("http://example.test/i.png", T(items[3], "media:content.url"));
    }

    [Fact]
    public async Task Dates_format_compare_against_relative_dates_and_strings_tokenize()
    {
        var items = await Items("dates");
        Assert.Equal("2010-10-14 Thu 00:00", T(items[0], "when"));
        Assert.Equal(2010, items[0].GetField("year")!.AsInt);
        Assert.Equal(["a", "b", "c"], items.Skip(1).Take(3).Select(i => T(i, "content")));
        // The fixed clock is 2015-06-01 12:00 UTC, so "-1 day" keeps every item published after 2015-05-31 12:00.
        Assert.Equal(["02.06.2015", "04.06.2015", "01.06.2015", "03.06.2015"], items.Skip(4).Select(i => T(i, "day")));
    }

    [Fact]
    public async Task Sub_pipes_take_inputs_by_name_directly_and_in_loops()
    {
        var items = await Items("subpipes");
        Assert.Equal(["Beta dogs", "Delta birds", "Alpha cats", "Gamma cats"], items.Select(i => T(i, "title")));
    }

    [Fact]
    public async Task String_modules_and_sub_elements_follow_yahoo_on_both_outputs_of_a_split()
    {
        var items = await Items("strings");
        Assert.Equal(["Ann", "Bo", "Cy"], items.Take(3).Select(i => T(i, "name")));
        // String Replace: every "n" to "N", then the first "A" to "a", then the last "N" back to "n".
        Assert.Equal(["aNn", "Bo", "Cy"], items.Take(3).Select(i => T(i, "nick")));
        Assert.Equal(["nn", "o", "y"], items.Take(3).Select(i => T(i, "short")));
        Assert.Equal(["nn-A", "o-B", "y-C"], items.Take(3).Select(i => T(i, "turned")));
        // The split's second output feeds a sub-element of names: scalars become {content}.
        Assert.Equal(["Ann", "Bo", "Cy"], items.Skip(3).Select(i => T(i, "content")));
        Assert.All(items.Skip(3), i => Assert.Single(i.AsRecord));
    }

    [Fact]
    public async Task Responses_that_are_not_feeds_give_no_items_and_a_located_warning_and_the_pipe_goes_on()
    {
        var (items, diags) = await Run("notfeeds");
        Assert.True(items is not null, string.Join("\n", diags.Items));
        Assert.Equal(["Alpha cats", "Beta dogs", "Gamma cats", "Delta birds"], items!.Select(i => T(i, "title")));
        Assert.All(diags.Items, d => Assert.Equal(("FLX3200", Severity.Warning), (d.Code, d.Severity)));
        Assert.Equal(
            [("$.modules[0]", "http://example.test/page.html"), ("$.modules[0]", "http://example.test/people.json"),
             ("$.modules[1]", "http://example.test/broken.json"), ("$.modules[2]", "http://example.test/table.csv")],
            diags.Items.Select(d => (d.Span.Path!, d.Message.Split('\'')[3])));
        Assert.All(diags.Items, d => Assert.EndsWith("notfeeds.json", d.Span.File, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_gone_service_stops_the_pipe_with_its_reason()
    {
        var (items, diags) = await Run("gone");
        Assert.Null(items);
        var d = Assert.Single(diags.Items);
        Assert.Equal("FLX3104", d.Code);
        Assert.Equal("$.modules[0]", d.Span.Path);
        Assert.Contains("yql", d.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("bad_json", "FLX3001", 3, null)]
    [InlineData("unknown_module", "FLX3003", 15, "$.modules[1].type")]
    [InlineData("dangling_wire", "FLX3004", 25, "$.wires[0].src.moduleid")]
    [InlineData("cycle", "FLX3005", 4, "$.modules[0]")]
    [InlineData("refused_module", "FLX3201", 15, "$.modules[1].type")]
    [InlineData("no_such_output", "FLX3202", 24, "$.wires[0].src.id")]
    public void Invalid_samples_give_located_diagnostics(string name, string code, int line, string? path)
    {
        var diags = new DiagnosticBag();
        Assert.Null(PipeImporter.ImportFile(Path.Combine(Dir, "invalid", name + ".json"), null, diags));
        var d = Assert.Single(diags.Items);
        Assert.Equal((code, line, path), (d.Code, d.Span.Line, d.Span.Path));
    }

    [Fact]
    public async Task Fixture_fetches_charge_their_nominal_latency()
    {
        var diags = new DiagnosticBag();
        var module = PipeImporter.ImportFile(Path.Combine(Dir, "feeds.json"), null, diags)!;
        var fetcher = FixtureFetcher.Load(Path.Combine(Dir, "fixtures"));
        var node = module.Graphs[0].Nodes.First(n => n.Target == "fetch");
        var outcome = await new PipeModuleExecutor(PipeRunOptions.With(fetcher, Corpus.Clock)).ExecuteAsync(node, [], CancellationToken.None);
        Assert.True(outcome.LatencyMs >= 2 * FixtureFetcher.BaseLatencyMs, $"{outcome.LatencyMs}");
        // A module that fetches nothing charges its own measured time only, which is small but never nothing.
        var sort = module.Graphs[0].Nodes.First(n => n.Target == "sort");
        var sorted = await new PipeModuleExecutor(PipeRunOptions.With(fetcher)).ExecuteAsync(sort, [Value.EmptyList], CancellationToken.None);
        Assert.InRange(sorted.LatencyMs ?? 0, double.Epsilon, FixtureFetcher.BaseLatencyMs);
    }
}
