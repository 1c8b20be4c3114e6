using System.Diagnostics;
using Fluxo.Diagnostics;
using Fluxo.Trace;

namespace Fluxo.Cli.Tests;

/// <summary>Issue 18, defect 5: a request's work is bounded, and fluxo run stops promptly on SIGTERM, keeping a readable trace.</summary>
public sealed class BoundedEvaluationTests : IDisposable
{
    private const string Service = """
        service Work;
        fn f0(n: int) -> int = n + 1;
        {{chain}}
        handler doubling(n: int) -> int {
          return f30(n);
        }
        handler maps(n: int) -> int {
          return count(map(range(n), i => count(map(range(n), j => i + j))));
        }
        handler busy(n: int) -> int {
          return fold(range(n), 0, (a, i) => a + i % 7);
        }
        """;

    private readonly string _dir = Directory.CreateTempSubdirectory("fluxo-bounded-").FullName;

    public BoundedEvaluationTests() =>
        File.WriteAllText(ServicePath, Service.Replace("{{chain}}", string.Join("\n", Enumerable.Range(1, 30).Select(i => $"fn f{i}(n: int) -> int = f{i - 1}(n) + f{i - 1}(n);")), StringComparison.Ordinal));

    private string ServicePath => Path.Combine(_dir, "work.flimp");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("doubling", "1", "'f30' at ")]
    [InlineData("maps", "100000", "'map' at ")]
    public void RunawayWorkStopsAtTheWorkLimitWithALocatedError(string handler, string n, string where)
    {
        var output = new StringWriter();
        var watch = Stopwatch.StartNew();
        var code = Program.Invoke(["run", ServicePath, "--handler", handler, "--input", "n=" + n], new System.CommandLine.InvocationConfiguration { Output = output, Error = output });
        Assert.Equal(1, code);
        Assert.Contains("error FLX0305: request to '" + handler + "' failed: the request did more than 5,000,000 steps of work", output.ToString());
        Assert.Contains(where + ServicePath + "(", output.ToString());
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task SigtermStopsAWorkloadPromptlyAndLeavesACompleteTrace()
    {
        var workload = Path.Combine(_dir, "w.json");
        File.WriteAllText(workload, """
            { "format": "fluxo-workload/1", "seed": 1, "ratePerSecond": 100,
              "mix": [ { "handler": "busy", "weight": 1, "inputs": { "n": { "const": 90000 } } } ] }
            """);
        var trace = Path.Combine(_dir, "t.trace");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "fluxo.dll"), "run", ServicePath, "-w", workload, "-n", "1000000", "--trace", trace })
        {
            psi.ArgumentList.Add(a);
        }

        using var child = Process.Start(psi)!;
        var stderr = child.StandardError.ReadToEndAsync();
        var stdout = child.StandardOutput.ReadToEndAsync();
        // Signal once the workload runs (its trace is open), not after a fixed delay: on a loaded machine start-up alone
        // can take seconds, and a signal then stops the run before it has a trace to close.
        var started = Stopwatch.StartNew();
        while (!File.Exists(trace) && !child.HasExited && started.Elapsed < TimeSpan.FromSeconds(90))
        {
            await Task.Delay(100);
        }

        await Task.Delay(TimeSpan.FromSeconds(2));
        if (child.HasExited)
        {
            Assert.Fail("the run ended before it was signalled: " + await stderr);
        }

        var signalled = Stopwatch.StartNew();
        using (var kill = Process.Start("kill", ["-TERM", child.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var exited = true;
        try
        {
            await child.WaitForExitAsync(wait.Token);
        }
        catch (OperationCanceledException)
        {
            exited = false;
            child.Kill(entireProcessTree: true);
        }

        Assert.True(exited, "fluxo run ignored SIGTERM for 30 s");
        Assert.True(signalled.Elapsed < TimeSpan.FromSeconds(10), $"fluxo run took {signalled.Elapsed} to stop after SIGTERM");
        Assert.Equal(1, child.ExitCode);
        var errors = await stderr;
        Assert.Contains("error FLX7010: fluxo run was stopped (SIGINT or SIGTERM) before it finished; the trace", errors);
        var diags = new DiagnosticBag();
        var data = TraceFile.Read(trace, diags);
        Assert.True(data is not null, string.Join("\n", diags.Items.Select(d => d.Format())) + await stdout);
        Assert.Contains($"holds the {data.Requests.Count:N0} requests that finished", errors);
    }
}
