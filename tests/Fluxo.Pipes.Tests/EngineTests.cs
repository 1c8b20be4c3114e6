using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Fluxo.Diagnostics;
using Fluxo.Ir;
using Fluxo.Pipes.Fetching;
using Fluxo.Pipes.Import;
using Fluxo.Pipes.Modules;
using Fluxo.Pipes.Running;
using Fluxo.Runtime;
using Fluxo.Runtime.Engine;
using Fluxo.Trace;
using Fluxo.Values;

namespace Fluxo.Pipes.Tests;

/// <summary>Pipes run on the runtime engine: every corpus pipe gives its recorded items, and traces charge every module its own time.</summary>
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

    /// <summary>
    /// Every corpus pipe, run the way the pipes report and the tests run it (<see cref="PipeRunner"/>, on the engine),
    /// gives the items, virtual latency (fetches only) or error recorded in corpus-results.tsv. The file was written
    /// when the second evaluator was retired, after checking that the report and `fluxo run` gave the same items before
    /// and after; FLUXO_UPDATE_BASELINES=1 rewrites it.
    /// </summary>
    [Fact]
    public async Task Every_corpus_pipe_gives_its_recorded_items()
    {
        Corpus.Require();

        // Measured module time differs between two runs; charging only fetches makes every run charge the same.
        var options = PipeRunOptions.With(Fetcher, Corpus.Clock) with { ChargeOwnTime = false };
        var rows = new List<string>();
        foreach (var file in Corpus.Files())
        {
            var name = Path.GetFileName(file);
            var (module, diags) = Corpus.Import(name);
            var result = await PipeRunner.RunAsync(module!, new Dictionary<string, string>(), options, diags);
            rows.Add(result is { } ok
                ? string.Create(CultureInfo.InvariantCulture, $"{name}\titems {ok.Value.AsList.Length}\t{Digest(ok.Value)}\t{ok.LatencyMs:0.###} ms")
                : $"{name}\terror {diags.Items.First(d => d.Severity == Severity.Error).Code}");
        }

        var path = Path.Combine(Corpus.Root, "corpus-results.tsv");
        var current = string.Join("\n", rows) + "\n";
        if (Environment.GetEnvironmentVariable("FLUXO_UPDATE_BASELINES") == "1")
        {
            await File.WriteAllTextAsync(path, current);
        }

        Assert.True(File.Exists(path), $"{path} is missing: it is part of the repository");
        Assert.Equal(await File.ReadAllTextAsync(path), current);
    }

    private static string Digest(Value value) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ValueJson.Serialize(value))))[..16];

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
