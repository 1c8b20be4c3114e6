using Fluxo.Ir;
using Fluxo.Pipes.Import;
using Fluxo.Pipes.Modules;
using Fluxo.Values;

namespace Fluxo.Pipes.Tests;

/// <summary>The 29 real pipes: all import, and each either runs offline or fails with its specific diagnostic.</summary>
public sealed class CorpusTests
{
    public static TheoryData<string> PipeFiles() =>
        [.. Directory.Exists(Corpus.Pipes) ? Corpus.Files().Select(Path.GetFileName).Cast<string>() : ["(corpus missing)"]];

    [Theory]
    [MemberData(nameof(PipeFiles))]
    public void Every_pipe_imports_into_a_well_formed_graph(string name)
    {
        Corpus.Require();

        var (module, diags) = Corpus.Import(name);
        Assert.True(module is not null, string.Join("\n", diags.Items));
        Assert.DoesNotContain(diags.Items, d => d.Severity == Fluxo.Diagnostics.Severity.Error);
        var g = module!.Graphs.Single();
        Assert.Equal(PipeImporter.HandlerName, g.Name);
        Assert.Equal(NodeKind.Source, g.Nodes[0].Kind);
        Assert.Equal(NodeKind.Sink, g.Nodes[^1].Kind);
        Assert.All(g.Nodes, n => Assert.Equal(n.Id, g.Nodes.IndexOf(n)));
        Assert.All(g.Nodes, n => Assert.All(n.Inputs, i => Assert.True(i.From < n.Id)));
        Assert.Equal(IrJson.ComputeHash(g), g.Hash);
    }

    // Every pipe, and what it does offline against the saved fixtures: a number of items (-1: some), or the code
    // and a fragment of its message.
    [Theory]
    [InlineData("testpipe1", -1, null, null)]
    [InlineData("testpipe_simplest", 17, null, null)]
    [InlineData("testpipe_simpletagger", 0, "FLX3104", "termextraction")]
    [InlineData("pipe_06c4c44316efb0f5f16e4e7fa4589ba2", 5, null, null)]
    [InlineData("pipe_125e9fe8bb5f84526d21bebfec3ad116", 0, "FLX3101", "http://ajax.googleapis.com/ajax/services/language/detect?q=Guten%20Tag&v=1.0")]
    [InlineData("pipe_188eca77fd28c96c559f71f5729d91ec", -1, null, null)]
    [InlineData("pipe_1I75yiUv3BGhgVWjjUnRlg", -1, null, null)]
    [InlineData("pipe_1LNyRuNS3BGdkTKaAsqenA", 0, "FLX3101", "http://finance.yahoo.com/rss/headline?s=yhoo")]
    [InlineData("pipe_2de0e4517ed76082dcddf66f7b218057", 17, null, null)]
    [InlineData("pipe_404411a8d22104920f3fc1f428f33642", 3, null, null)]
    [InlineData("pipe_551507461cbcb19a828165daad5fe007", 0, "FLX3101", "http://feeds.bbci.co.uk/news/rss.xml")]
    [InlineData("pipe_5fabfc509a8e44342941060c7c7d0340", 1, null, null)]
    [InlineData("pipe_6e30c269a69baf92cd420900b0645f88", -1, null, null)]
    [InlineData("pipe_80fb3dfc08abfa7e27befe9306fc3ded", 0, "FLX3104", "Yahoo Query Language")]
    [InlineData("pipe_8NMkiTW32xGvMbDKruymrA", -1, null, null)]
    [InlineData("pipe_93abb8500bd41d56a37e8885094c8d10", 0, "FLX3104", "termextraction")]
    [InlineData("pipe_9420a757a49ddf11d8b98349abb5bcf4", -1, null, null)]
    [InlineData("pipe_HrX5bjkv3BGEp9eSy6ky6g", 0, "FLX3101", "http://rss.cnn.com/rss/edition.rss")]
    [InlineData("pipe_QMrlL_FS3BGlpwryODY80A", -1, null, null)]
    [InlineData("pipe_UuvYtuMe3hGDsmRgPm7D0g", 1, null, null)]
    [InlineData("pipe_a08134746e30a6dd3a7cb3c0cf098692", 0, "FLX3101", "http://pinterest.com/popular/")]
    [InlineData("pipe_ac45e9eb9b0174a4e53f23c4c9903c3f", 0, "FLX3101", "http://twitter.com/statuses/user_timeline/.atom")]
    [InlineData("pipe_b3d43c00f9e1145ff522fb71ea743e99", 0, "FLX3101", "http://www.guardian.co.uk/politics/api/person/")]
    [InlineData("pipe_bd0834cfe6cdacb0bea5569505d330b8", 0, "FLX3101", "http://www.guardian.co.uk/politics/api/person/1276/json")]
    [InlineData("pipe_bd9c0c9793ccaec7582b19f45e24f2e6", 0, "FLX3101", "http://users.jyu.fi/~atsoukka/cgi-bin/aarresaari.cgi?docAddr=")]
    [InlineData("pipe_c1cfa58f96243cea6ff50a12fc50c984", 0, "FLX3101", "http://twitter.com/statuses/user_timeline/7129072.rss")]
    [InlineData("pipe_e519dd393f943315f7e4128d19db2eac", 0, "FLX3101", "http://news.google.com/news?")]
    [InlineData("pipe_e65397e116d7754da0dd23425f1f0af1", 0, "FLX3101", "http://www.oclc.org/developer/applications/export")]
    [InlineData("pipe_eb3e27f8f1841835fdfd279cd96ff9d8", -1, null, null)]
    public async Task Every_pipe_runs_offline_or_fails_with_its_specific_diagnostic(string name, int items, string? code, string? message)
    {
        Corpus.Require();

        var (result, diags) = await Corpus.RunAsync(name);
        if (code is null)
        {
            Assert.True(result is not null, string.Join("\n", diags.Items));
            var count = result!.Value.Value.AsList.Length;
            Assert.True(items < 0 ? count > 0 : count == items, $"{count} items");
        }
        else
        {
            Assert.Null(result);
            var error = Assert.Single(diags.Items, d => d.Severity == Fluxo.Diagnostics.Severity.Error);
            Assert.Equal(code, error.Code);
            Assert.Contains(message!, error.Message, StringComparison.Ordinal);
            Assert.NotNull(error.Span.Path);
        }
    }

    [Fact]
    public void The_table_above_covers_the_whole_corpus()
    {
        Corpus.Require();

        var listed = typeof(CorpusTests).GetMethod(nameof(Every_pipe_runs_offline_or_fails_with_its_specific_diagnostic))!
            .GetCustomAttributes(typeof(InlineDataAttribute), false).Cast<InlineDataAttribute>()
            .Select(a => (string)a.GetData(null!).First()[0]).ToHashSet();
        Assert.All(Corpus.Files().Select(Path.GetFileNameWithoutExtension), f => Assert.Contains(f!, listed));
    }

    [Fact]
    public void Every_corpus_module_type_is_known()
    {
        Corpus.Require();

        foreach (var file in Corpus.Files())
        {
            var graph = Corpus.Import(Path.GetFileName(file)).Module!.Graphs[0];
            foreach (var node in graph.Nodes.Where(n => n.Kind == NodeKind.PipeModule))
            {
                Assert.True(ModuleCatalog.IsKnown(node.Target!), node.Target);
                if (node.Target == "loop")
                {
                    Assert.True(ModuleCatalog.IsKnown(node.Config!["embed"]!["value"]!["type"]!.ToString()));
                }
            }
        }
    }

    internal static string Text(Value item, string field) => Fluxo.Pipes.Modules.Items.Text(item.GetField(field));
}
