using Fluxo.Pipes.Import;
using Fluxo.Pipes.Modules;
using Fluxo.Values;

namespace Fluxo.Pipes.Tests;

/// <summary>The facts EXPECTED.md states about the corpus, checked against the saved fixtures.</summary>
public sealed class ExpectedTests
{
    private static async Task<List<Value>> Items(string name, Dictionary<string, string>? inputs = null)
    {
        var (result, diags) = await Corpus.RunAsync(name, inputs);
        Assert.True(result is not null, string.Join("\n", diags.Items));
        return [.. result!.Value.Value.AsList];
    }

    [Fact]
    public async Task Testpipe1_keeps_only_descriptions_containing_the()
    {
        Corpus.Require();

        var items = await Items("testpipe1");
        Assert.NotEmpty(items);
        Assert.All(items, i => Assert.Contains("the", CorpusTests.Text(i, "description"), StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Simplest_pipe_passes_the_ouseful_feed_through()
    {
        Corpus.Require();

        var items = await Items("pipe_2de0e4517ed76082dcddf66f7b218057");
        Assert.Equal(17, items.Count);
        Assert.All(items, i => Assert.NotEqual("", CorpusTests.Text(i, "title")));
    }

    [Fact]
    public async Task Car_news_is_sorted_newest_first()
    {
        Corpus.Require();

        var dates = (await Items("pipe_8NMkiTW32xGvMbDKruymrA")).Select(i => DateParsing.Parse(CorpusTests.Text(i, "pubDate"), DateTimeOffset.UnixEpoch)).ToList();
        Assert.True(dates.Count > 1);
        Assert.All(dates, d => Assert.NotNull(d));
        Assert.All(dates.Zip(dates.Skip(1)), p => Assert.True(p.First >= p.Second, $"{p.First} before {p.Second}"));
    }

    [Fact]
    public async Task Tail_takes_the_number_input_default_of_five()
    {
        Corpus.Require();

        Assert.Equal(5, (await Items("pipe_06c4c44316efb0f5f16e4e7fa4589ba2")).Count);
        Assert.Equal(2, (await Items("pipe_06c4c44316efb0f5f16e4e7fa4589ba2", new() { ["numberinput1"] = "2" })).Count);
    }

    [Fact]
    public async Task Truncate_count_is_wired_from_a_count_module()
    {
        Corpus.Require();

        Assert.Equal(3, (await Items("pipe_404411a8d22104920f3fc1f428f33642")).Count);
    }

    [Fact]
    public async Task Csv_pipe_finds_exactly_Mr_Mark_Lancaster()
    {
        Corpus.Require();

        var item = Assert.Single(await Items("pipe_UuvYtuMe3hGDsmRgPm7D0g"));
        Assert.Equal("Lancaster", CorpusTests.Text(item, "Member"));
        Assert.Equal("Mr Mark Lancaster", CorpusTests.Text(item, "title"));
        Assert.StartsWith("Total allowances claimed, inc travel: 151619<br>", CorpusTests.Text(item, "description"), StringComparison.Ordinal);
    }

    [Fact]
    public void All_six_input_types_are_declared_with_name_default_and_type()
    {
        Corpus.Require();

        var graph = Corpus.Import("pipe_5fabfc509a8e44342941060c7c7d0340").Module!.Graphs[0];
        var inputs = UserInputs.Of(graph).OrderBy(i => i.Name, StringComparer.Ordinal).Select(i => (i.Name, i.YahooType, i.Default)).ToList();
        Assert.Equal(
            [
                ("dateinput1", "datetime", "10/14/2010"),
                ("locationinput1", "location", "isle of wight, uk"),
                ("numberinput1", "number", "12121"),
                ("privateinput1", "text", ""),
                ("textinput1", "text", "This is default text - is there debug text too?"),
                ("urlinput1", "url", "http://example.com"),
            ],
            inputs);
        Assert.Equal(6, graph.Params.Length);
        Assert.Equal("float", graph.Params.Single(p => p.Name == "numberinput1").Type);
    }

    [Fact]
    public async Task Union_with_unconnected_first_input_renames_a_y_id_field_path()
    {
        Corpus.Require();

        var items = await Items("pipe_6e30c269a69baf92cd420900b0645f88");
        Assert.NotEmpty(items);
        // link is copied from y:id.value, then the regex rule "^(.*\/.*)\/" -> "$1/2.220/" rewrites it.
        Assert.All(items, i =>
        {
            var id = CorpusTests.Text(i.GetField("y:id")!, "value");
            var cut = id.LastIndexOf('/');
            Assert.Equal(id[..cut] + "/2.220/" + id[(cut + 1)..], CorpusTests.Text(i, "link"));
        });
        Assert.DoesNotContain(items, i => CorpusTests.Text(i, "title").Contains("Bildstrecke:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Split_branches_are_tagged_and_joined_again()
    {
        Corpus.Require();

        var titles = (await Items("pipe_QMrlL_FS3BGlpwryODY80A")).Select(i => CorpusTests.Text(i, "title")).ToList();
        Assert.NotEmpty(titles);
        Assert.All(titles, t => Assert.True(t.StartsWith("[Weight] ", StringComparison.Ordinal) || t.StartsWith("[Drugs] ", StringComparison.Ordinal), t));
    }

    [Fact]
    public async Task Xml_data_is_filtered_by_the_default_search_term()
    {
        Corpus.Require();

        var items = await Items("pipe_eb3e27f8f1841835fdfd279cd96ff9d8");
        Assert.NotEmpty(items);
        Assert.All(items, i => Assert.Contains("maverick", CorpusTests.Text(i, "title"), StringComparison.OrdinalIgnoreCase));
        Assert.All(items, i => Assert.StartsWith("&time=", CorpusTests.Text(i, "ctime"), StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_stock_symbol_input_reaches_the_url_and_its_missing_fixture_is_named()
    {
        Corpus.Require();

        var (result, diags) = await Corpus.RunAsync("pipe_1LNyRuNS3BGdkTKaAsqenA", new() { ["textinput1"] = "IBM" });
        Assert.Null(result);
        var error = Assert.Single(diags.Items);
        Assert.Equal("FLX3101", error.Code);
        Assert.Contains("'http://finance.yahoo.com/rss/headline?s=IBM'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_sub_pipe_in_a_loop_asks_the_guardian_person_api_which_has_no_fixture()
    {
        Corpus.Require();

        var (result, diags) = await Corpus.RunAsync("pipe_b3d43c00f9e1145ff522fb71ea743e99");
        Assert.Null(result);
        var error = Assert.Single(diags.Items, d => d.Severity == Fluxo.Diagnostics.Severity.Error);
        Assert.Matches(@"http://www\.guardian\.co\.uk/politics/api/person/\d+/json", error.Message);
    }
}
