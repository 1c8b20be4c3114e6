using Fluxo.Ir;
using Fluxo.TestSupport;
using Fluxo.Trace;

namespace Fluxo.Cli.Tests;

/// <summary>`fluxo optimize --sample RATE` (issue 14 item 6): a rate of 1 is the whole trace, byte for byte the same answer as no option.</summary>
public sealed class SampleOptionTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fluxo-sample-option-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void A_sample_of_one_gives_exactly_the_answer_without_the_option_and_a_smaller_one_keys_each_cache_on_its_own()
    {
        var service = Path.Combine(_dir, "weather.ir.json");
        File.WriteAllText(service, IrJson.Serialize(WeatherIr.Module()));
        var trace = Path.Combine(_dir, "weather.trace");
        var generator = new WeatherTraceGenerator();
        using (var writer = TraceWriter.Create(trace, generator.Header))
        {
            foreach (var r in generator.Requests(WeatherWorkload.Paper[0], 20_000, seed: 7))
            {
                writer.Write(r);
            }
        }

        string[] args = ["optimize", service, "--trace", trace, "--budget", "16KB"];
        var plain = CliRunner.Run([.. args, "-o", Path.Combine(_dir, "plain.json")]);
        var one = CliRunner.Run([.. args, "--sample", "1", "-o", Path.Combine(_dir, "one.json")]);
        Assert.True(plain.Exit == 0, plain.Err);
        Assert.True(one.Exit == 0, one.Err);
        Assert.Equal(File.ReadAllText(Path.Combine(_dir, "plain.json")), File.ReadAllText(Path.Combine(_dir, "one.json")));

        // The report differs only in the file it names and the search's time.
        static string Stable(string report) => string.Join("\n", report.Split('\n').Where(l => !l.StartsWith("search ", StringComparison.Ordinal) && !l.StartsWith("wrote ", StringComparison.Ordinal)));
        Assert.Equal(Stable(plain.Out), Stable(one.Out));

        var half = CliRunner.Run([.. args, "--sample", "0.5", "-o", Path.Combine(_dir, "half.json")]);
        Assert.True(half.Exit == 0, half.Err);
        Assert.DoesNotContain("weather (16000 requests)", half.Out);
        Assert.Contains("weather (16000 requests)", plain.Out);
    }
}
