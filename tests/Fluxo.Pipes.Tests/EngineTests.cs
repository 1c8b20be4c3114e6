using Fluxo.Diagnostics;
using Fluxo.Pipes.Fetching;
using Fluxo.Runtime.Engine;
using Fluxo.Values;

namespace Fluxo.Pipes.Tests;

/// <summary>The runtime engine with the pipe executor gives what the pipe evaluator gives, for every corpus pipe.</summary>
public sealed class EngineTests
{
    [Fact]
    public async Task Engine_and_evaluator_agree_on_every_corpus_pipe()
    {
        Corpus.Require();

        var fetcher = FixtureFetcher.Load(Corpus.Fixtures);
        foreach (var file in Corpus.Files())
        {
            var name = Path.GetFileName(file);
            var (module, _) = Corpus.Import(name);
            var (expected, diags) = await Corpus.RunAsync(name);
            var engineDiags = new DiagnosticBag();
            var engine = ServiceEngine.Create(module!, new EngineOptions { Executors = [new PipeModuleExecutor(PipeRunOptions.With(fetcher, Corpus.Clock))] }, engineDiags);
            Assert.True(engine is not null, string.Join("\n", engineDiags.Items));
            var graph = module!.Graphs[0];
            var request = Value.Record(graph.Params.Select(p => new KeyValuePair<string, Value>(p.Name, Value.Null)));
            var result = await engine!.RunAsync(PipeImporter.HandlerName, request, new RequestInfo(1, 1, 0));
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
}
