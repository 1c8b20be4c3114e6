using Fluxo.Diagnostics;
using Fluxo.Ir;
using Fluxo.Pipes.Fetching;
using Fluxo.Runtime;
using Fluxo.Runtime.Engine;
using Fluxo.Trace;
using Fluxo.Values;

namespace Fluxo.Pipes.Tests;

/// <summary>The runtime engine with the pipe executor gives what the pipe evaluator gives, for every corpus pipe,
/// and its traces charge every module its own time.</summary>
public sealed class EngineTests
{
    private static readonly FixtureFetcher Fetcher = FixtureFetcher.Load(Corpus.Fixtures);

    private static async Task<RequestResult> RunOnEngine(IrModule module, PipeRunOptions options, bool trace = false)
    {
        var engineDiags = new DiagnosticBag();
        var engine = ServiceEngine.Create(module, new EngineOptions { Executors = [new PipeModuleExecutor(options)], Trace = trace }, engineDiags);
        Assert.True(engine is not null, string.Join("\n", engineDiags.Items));
        var graph = module.Graphs[0];
        var request = Value.Record(graph.Params.Select(p => new KeyValuePair<string, Value>(p.Name, Value.Null)));
        return await engine!.RunAsync(PipeImporter.HandlerName, request, new RequestInfo(1, 1, 0));
    }

    [Fact]
    public async Task Engine_and_evaluator_agree_on_every_corpus_pipe()
    {
        Corpus.Require();

        // Measured module time differs between two runs; charging only fetches makes both charge exactly the same.
        var options = PipeRunOptions.With(Fetcher, Corpus.Clock) with { ChargeOwnTime = false };
        foreach (var file in Corpus.Files())
        {
            var name = Path.GetFileName(file);
            var (module, diags) = Corpus.Import(name);
            var expected = await PipeRunner.RunAsync(module!, new Dictionary<string, string>(), options, diags);
            var result = await RunOnEngine(module!, options);
            if (expected is { } ok)
            {
                Assert.True(result.Succeeded, $"{name}: {result.Error}");
                Assert.Equal(ok.Value, result.Value);
                Assert.Equal(ok.LatencyMs, result.LatencyMs, 6);
            }
            else
            {
                Assert.False(result.Succeeded, name);
                var code = diags.Items.First(d => d.Severity == Severity.Error).Code;
                Assert.Contains($"error {code}:", result.Error, StringComparison.Ordinal);
            }
        }
    }

    // A split into two branches, and a loop whose embedded module fetches a page per item.
    [Theory]
    [InlineData("pipe_QMrlL_FS3BGlpwryODY80A")]
    [InlineData("pipe_188eca77fd28c96c559f71f5729d91ec")]
    public async Task A_traced_pipe_charges_every_module_its_own_measured_time(string pipe)
    {
        Corpus.Require();

        var (module, _) = Corpus.Import(pipe);
        var graph = module!.Graphs[0];
        var fetchesOnly = await RunOnEngine(module, PipeRunOptions.With(Fetcher, Corpus.Clock) with { ChargeOwnTime = false }, trace: true);
        var measured = await RunOnEngine(module, PipeRunOptions.With(Fetcher, Corpus.Clock), trace: true);
        Assert.True(measured.Succeeded, measured.Error);

        var self = measured.Trace!.Nodes.Where(e => e.Status == NodeStatus.Ran).ToDictionary(e => e.Node, e => e.SelfMs);
        var fetchSelf = fetchesOnly.Trace!.Nodes.ToDictionary(e => e.Node, e => e.SelfMs);
        foreach (var node in graph.Nodes.Where(n => n.Kind == NodeKind.PipeModule))
        {
            Assert.True(self[node.Id] > 0, $"{node.Label} charged nothing");
            if (node.Target is "fetch" || node.Config?["embed"]?["value"]?["type"]?.ToString() == "fetchpage")
            {
                // A fetch (or a loop of them) charges its fixtures' nominal time and the time it spent reading them.
                Assert.True(self[node.Id] > fetchSelf[node.Id] && fetchSelf[node.Id] >= FixtureFetcher.BaseLatencyMs, $"{self[node.Id]} vs {fetchSelf[node.Id]}");
            }
            else
            {
                Assert.Equal(0, fetchSelf[node.Id]);
            }
        }

        Assert.True(measured.LatencyMs > fetchesOnly.LatencyMs, $"{measured.LatencyMs} vs {fetchesOnly.LatencyMs}");
    }
}
