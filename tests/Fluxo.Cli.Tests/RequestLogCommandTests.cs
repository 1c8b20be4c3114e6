using Fluxo.TestSupport;

namespace Fluxo.Cli.Tests;

/// <summary>`fluxo run --workload requests.jsonl` replays a request log; its trace is optimized like any other; a bad line is a located error.</summary>
public sealed class RequestLogCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fluxo-log-cli-").FullName;

    private static string Weather => Path.Combine(RepoPaths.Samples, "weather", "weather.flimp");

    private static string Log => Path.Combine(RepoPaths.Samples, "weather", "requests.jsonl");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void The_sample_log_runs_traces_and_optimizes()
    {
        var trace = Path.Combine(_dir, "log.trace");
        var (code, output, error) = CliRunner.Run("run", Weather, "--workload", Log, "--trace", trace);
        Assert.True(code == 0, error);
        Assert.Contains("600 requests", output, StringComparison.Ordinal);

        (code, output, error) = CliRunner.Run("optimize", Weather, "--trace", trace, "--budget", "2KB", "--hold-out", "0", "-o", Path.Combine(_dir, "p.json"));
        Assert.True(code == 0, error);
        Assert.Contains("chosen (mrc)", output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_line_stops_the_run_at_its_line()
    {
        var log = Path.Combine(_dir, "bad.jsonl");
        File.WriteAllLines(log, [File.ReadLines(Log).First(), """{"time": 1e12, "client": 1, "handler": "weather", "inputs": {"ip": "a"}}"""]);
        var (code, _, error) = CliRunner.Run("run", Weather, "--workload", log);
        Assert.Equal(1, code);
        Assert.Contains("bad.jsonl(2,", error, StringComparison.Ordinal);
        Assert.Contains("error FLX5103", error, StringComparison.Ordinal);
        Assert.Contains("needs input 'zip'", error, StringComparison.Ordinal);
    }
}
