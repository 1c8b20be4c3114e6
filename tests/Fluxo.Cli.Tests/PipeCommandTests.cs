using Fluxo.Cli.Commands;
using Fluxo.Cli.Running;
using Fluxo.Runtime;
using Fluxo.Runtime.Engine;
using Fluxo.TestSupport;
using Fluxo.Values;

namespace Fluxo.Cli.Tests;

/// <summary>`fluxo run` on Yahoo pipes (through the engine) and `fluxo pipes-report`.</summary>
public sealed class PipeCommandTests
{
    private static string Pipes => Path.Combine(RepoPaths.Samples, "pipes");

    private static RunArgs Args(string pipe, params string[] inputs) =>
        new(Path.Combine(Pipes, pipe), null, inputs, null, 1, null, null, null, ClockMode.Virtual, null, null, null, null, Path.Combine(Pipes, "fixtures"));

    [Fact]
    public async Task Run_prints_the_items_as_a_json_array()
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var code = await RunCommand.RunAsync(Args("counting.json", "n=1"), output, error, false, CancellationToken.None);
        Assert.True(code == 0, error.ToString());
        var items = ValueJson.Parse(output.ToString()).AsList;
        Assert.Equal(1 + 2 + 1, items.Length);
        Assert.Equal("total: 40", items[^1].GetField("summary")!.AsString);
    }

    [Fact]
    public async Task Run_of_a_malformed_pipe_prints_a_located_diagnostic_and_exits_1()
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var code = await RunCommand.RunAsync(Args(Path.Combine("invalid", "dangling_wire.json")), output, error, false, CancellationToken.None);
        Assert.Equal(1, code);
        Assert.Contains("dangling_wire.json(25,", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("error FLX3004", error.ToString(), StringComparison.Ordinal);
        Assert.Equal("", output.ToString());
    }

    [Fact]
    public async Task Run_with_a_fixture_directory_without_urls_tsv_is_an_error()
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var args = Args("feeds.json") with { Fixtures = Path.Combine(RepoPaths.Samples, "pipes", "invalid") };
        var code = await RunCommand.RunAsync(args, output, error, false, CancellationToken.None);
        Assert.Equal(1, code);
        Assert.Contains("FLX3109", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Report_lists_every_pipe_with_totals()
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var code = await PipesReportCommand.RunAsync(new PipesReportCommand.Args(Pipes, Path.Combine(Pipes, "fixtures")), output, error, CancellationToken.None);
        Assert.Equal(0, code);
        var text = output.ToString();
        Assert.Contains("feeds.json: imported; ran, 7 items; pre-computable 5/5", text, StringComparison.Ordinal);
        Assert.Contains("gone.json: imported; did not run", text, StringComparison.Ordinal);
        Assert.Contains("notfeeds.json: imported; ran, 4 items, 4 warning(s);", text, StringComparison.Ordinal);
        Assert.Contains("    warning: FLX3200: module 'sw-2' got no items from 'http://example.test/broken.json'", text, StringComparison.Ordinal);
        Assert.Contains("pipes: 12; imported: 12; ran: 11;", text, StringComparison.Ordinal);
    }

    private static (int Code, string Out, string Err) Fluxo(params string[] args)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var code = Program.Invoke(args, new System.CommandLine.InvocationConfiguration { Output = output, Error = error });
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public void Graph_draws_a_splits_two_outputs_as_two_labelled_edges()
    {
        var (code, json, error) = Fluxo("graph", Path.Combine(Pipes, "counting.json"), "--format", "json");
        Assert.True(code == 0, error);
        var graph = System.Text.Json.Nodes.JsonNode.Parse(json)![0]!;
        var split = graph["nodes"]!.AsArray().Single(n => n!["target"]?.ToString() == "split")!["id"]!.GetValue<int>();
        var fields = graph["edges"]!.AsArray().Where(e => e!["from"]!.GetValue<int>() == split).Select(e => e!["field"]!.ToString());
        Assert.Equal(["_OUTPUT", "_OUTPUT2"], fields);
        (code, var dot, error) = Fluxo("graph", Path.Combine(Pipes, "counting.json"));
        Assert.True(code == 0, error);
        Assert.Matches($"\"run_{split}\" -> \"run_\\d+\" \\[label=\"_OUTPUT\"\\]", dot);
        Assert.Matches($"\"run_{split}\" -> \"run_\\d+\" \\[label=\"_OUTPUT2\"\\]", dot);
    }

    [Fact]
    public async Task Run_of_a_pipe_whose_responses_are_not_feeds_prints_the_items_and_one_warning_per_url()
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var code = await RunCommand.RunAsync(Args("notfeeds.json"), output, error, false, CancellationToken.None);
        Assert.True(code == 0, error.ToString());
        Assert.Equal(4, ValueJson.Parse(output.ToString()).AsList.Length);
        var warnings = error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, warnings.Length);
        Assert.All(warnings, w => Assert.Matches(@"notfeeds\.json\(\d+,3\): warning FLX3200: module 'sw-\d' got no items from 'http://example\.test/", w));
    }
}
