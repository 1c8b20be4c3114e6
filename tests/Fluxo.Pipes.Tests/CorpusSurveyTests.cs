using Fluxo.Values;
using Xunit.Abstractions;

namespace Fluxo.Pipes.Tests;

public sealed class CorpusSurveyTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Survey()
    {
        if (!Corpus.Require())
        {
            return;
        }

        foreach (var file in Corpus.Files())
        {
            var name = Path.GetFileName(file);
            var (result, diags) = await Corpus.RunAsync(name);
            output.WriteLine($"{name}: {(result is null ? "FAIL" : $"{result.Value.Value.AsList.Length} items, {result.Value.LatencyMs:0} ms")} {string.Join(" | ", diags.Items.Select(d => d.Format()))}");
            if (result is { } r && r.Value.AsList.Length > 0)
            {
                output.WriteLine("   " + ValueJson.Serialize(r.Value.AsList[0])[..Math.Min(300, ValueJson.Serialize(r.Value.AsList[0]).Length)]);
            }
        }
    }
}
