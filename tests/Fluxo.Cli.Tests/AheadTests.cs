using System.Globalization;
using System.Text.RegularExpressions;
using Fluxo.Diagnostics;
using Fluxo.Ir;
using Fluxo.Optimizer.Ahead;
using Fluxo.Policy;
using Fluxo.TestSupport;
using Fluxo.Trace;

namespace Fluxo.Cli.Tests;

/// <summary>Pre-computation and speculation end to end: trace, optimize, run with the policy, compare with the prediction.</summary>
public sealed class AheadTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fluxo-ahead-").FullName;

    private static string Messaging => Path.Combine(RepoPaths.Samples, "messaging", "messaging.flimp");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (int Code, string Out, string Err) Fluxo(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = Program.Invoke(args, new System.CommandLine.InvocationConfiguration { Output = output, Error = error });
        return (code, output.ToString(), error.ToString());
    }

    private string RunMessaging(int requests, string? trace = null, string? policy = null)
    {
        string[] args = ["run", Messaging, "--workload", Path.Combine(RepoPaths.Samples, "messaging", "workload-sessions.json"),
            "--requests", requests.ToString(CultureInfo.InvariantCulture)];
        if (trace is not null)
        {
            args = [.. args, "--trace", trace];
        }

        if (policy is not null)
        {
            args = [.. args, "--policy", policy];
        }

        var (code, output, error) = Fluxo(args);
        Assert.True(code == 0, error);
        return output;
    }

    private static double Mean(string runOutput, string handler)
    {
        var m = Regex.Match(runOutput, $@"^{handler}\s+\S+\s+\S+\s+(?<mean>[0-9.]+)", RegexOptions.Multiline);
        Assert.True(m.Success, runOutput);
        return double.Parse(m.Groups["mean"].Value, CultureInfo.InvariantCulture);
    }

    [Fact]
    public void Speculation_lowers_the_second_request_of_a_mail_session_and_the_run_confirms_the_prediction()
    {
        var trace = Path.Combine(_dir, "mail.log");
        var policyPath = Path.Combine(_dir, "policy.json");
        var before = RunMessaging(3000, trace);
        var (code, optimized, error) = Fluxo("optimize", Messaging, "--trace", trace, "--budget", "256KB", "-o", policyPath);
        Assert.True(code == 0, error);
        Assert.Contains("caches + speculation", optimized);
        var policy = PolicyJson.Read(policyPath, new DiagnosticBag())!;

        // The "read new mail" session: unreadCount, then newest for the same user.
        var spec = Assert.Single(policy.Speculate, s => s.AfterHandler == "unreadCount");
        Assert.Equal("newest", spec.Handler);
        Assert.Contains(spec.Inputs, b => b is { Param: "user", FromParam: "user", FromResult: false });
        Assert.True(spec.Probability > 0.9 && spec.ExpectedSavingMs > 0 && spec.ExpectedWasteMs >= 0);

        // Without caches, so the saving is speculation's alone.
        File.WriteAllText(policyPath, PolicyJson.Serialize(policy with { Caches = [], Precompute = [] }));
        var after = RunMessaging(3000, policy: policyPath);
        Assert.True(Mean(after, "newest") < Mean(before, "newest") * 0.7, before + after);
        var wasted = Regex.Match(after, @"speculation: (?<used>[0-9,]+) used of (?<started>[0-9,]+) started, (?<wasted>[0-9,]+) wasted \((?<ms>[0-9.,]+) ms of work wasted");
        Assert.True(wasted.Success, after);
        Assert.True(double.Parse(wasted.Groups["ms"].Value, NumberStyles.Number, CultureInfo.InvariantCulture) > 0, after);

        var (simCode, simulated, simError) = Fluxo("simulate", Messaging, "--trace", trace, "--policy", policyPath);
        Assert.True(simCode == 0, simError);
        var predicted = Regex.Match(simulated, @"policy mean (?<mean>[0-9.]+) ms");
        Assert.True(predicted.Success, simulated);
        var sim = double.Parse(predicted.Groups["mean"].Value, CultureInfo.InvariantCulture);
        Assert.InRange(Mean(after, "all"), sim * 0.95, sim * 1.05);
    }

    [Fact]
    public void A_request_independent_feed_is_precomputed_refreshed_in_the_background_and_served_from_the_store()
    {
        var service = Path.Combine(_dir, "news.flimp");
        File.WriteAllText(service, """
            service News;
            // A feed whose items change now and then: fine to serve a minute old.
            extern fetchFeed(url: string) -> string latency 80ms;
            handler search(q: string) -> bool {
              let feed = fetchFeed("http://example.org/news.rss");
              return contains(lower(feed), lower(q));
            }
            """);
        File.WriteAllText(Path.Combine(_dir, "news.bindings.json"), """
            { "format": "fluxo-bindings/1",
              "externs": { "fetchFeed": { "standIn": { "response": { "template": "Headlines {hash%100}" }, "latency": { "fixed": 80 } } } } }
            """);
        var workload = Path.Combine(_dir, "news-workload.json");
        File.WriteAllText(workload, """
            { "format": "fluxo-workload/1", "seed": 3, "ratePerSecond": 20,
              "mix": [ { "handler": "search", "weight": 1, "inputs": { "q": { "uniform": ["rain", "vote", "match"] } } } ] }
            """);
        var trace = Path.Combine(_dir, "news.log");
        var policyPath = Path.Combine(_dir, "news-policy.json");
        Assert.Equal(0, Fluxo("run", service, "--workload", workload, "-n", "600", "--trace", trace).Code);
        var (code, optimized, error) = Fluxo("optimize", service, "--trace", trace, "--budget", "4KB", "--staleness", "5s", "-o", policyPath);
        Assert.True(code == 0, error + optimized);
        var pre = Assert.Single(PolicyJson.Read(policyPath, new DiagnosticBag())!.Precompute);
        Assert.Equal(5, pre.RefreshSeconds);
        Assert.True(pre.ComputeCostMs > pre.LoadCostMs && pre.RefreshCostMsPerHour > 0);

        var (runCode, run, runError) = Fluxo("run", service, "--workload", workload, "-n", "600", "--policy", policyPath);
        Assert.True(runCode == 0, runError);
        Assert.InRange(Mean(run, "search"), 0, 5);
        Assert.Matches(@"precompute: [1-9][0-9]* refreshes", run);

        var (_, noStaleness, _) = Fluxo("optimize", service, "--trace", trace, "--budget", "4KB", "-o", policyPath);
        Assert.Contains("0 pre-computed part(s)", noStaleness);
    }

    [Fact]
    public void A_corpus_pipe_is_precomputed_and_served_from_storage_and_the_study_counts_it()
    {
        var pipe = Path.Combine(RepoPaths.Pipes, "corpus", "testpipe_simplest.json");
        var fixtures = Path.Combine(RepoPaths.Pipes, "fixtures");
        var workload = Path.Combine(_dir, "pipe-workload.json");
        File.WriteAllText(workload, """
            { "format": "fluxo-workload/1", "seed": 5, "ratePerSecond": 5, "mix": [ { "handler": "run", "weight": 1, "inputs": {} } ] }
            """);
        var trace = Path.Combine(_dir, "pipe.log");
        var policyPath = Path.Combine(_dir, "pipe-policy.json");
        var (code, before, error) = Fluxo("run", pipe, "--fixtures", fixtures, "-w", workload, "-n", "100", "--trace", trace);
        Assert.True(code == 0, error);
        (code, var optimized, error) = Fluxo("optimize", pipe, "--trace", trace, "--budget", "1MB", "--staleness", "60s", "-o", policyPath);
        Assert.True(code == 0, error);
        var policy = PolicyJson.Read(policyPath, new DiagnosticBag())!;
        var pre = Assert.Single(policy.Precompute);
        Assert.Empty(policy.Caches.Where(c => c.Nodes.Intersect(pre.Nodes).Any()));
        Assert.Contains("precompute only", optimized);
        (code, var after, error) = Fluxo("run", pipe, "--fixtures", fixtures, "-w", workload, "-n", "100", "--policy", policyPath);
        Assert.True(code == 0, error);
        Assert.True(Mean(after, "run") < Mean(before, "run") / 10, before + after);
        Assert.Matches(@"precompute: 1 refreshes", after);

        var (_, report, _) = Fluxo("pipes-report", Path.Combine(RepoPaths.Pipes, "corpus"));
        Assert.Matches(@"optimizer's pre-compute rule: [1-9][0-9]* of [0-9]+ imported pipes have pre-computable nodes", report);
    }

    [Fact]
    public void No_work_done_ahead_of_a_request_touches_a_node_with_side_effects_in_any_sample()
    {
        var checkedGraphs = 0;
        foreach (var file in Directory.GetFiles(RepoPaths.Samples, "*.ir.json", SearchOption.AllDirectories))
        {
            var module = IrJson.Deserialize(File.ReadAllText(file));
            foreach (var graph in module.Graphs)
            {
                // Every request field bound: the largest set any speculation could ever ask for.
                var speculable = AheadRules.Closure(graph, AheadRules.MaySpeculate, f => f is not null);
                var precomputable = AheadRules.Closure(graph, AheadRules.MayPrecompute, _ => false);
                foreach (var v in speculable.Concat(precomputable))
                {
                    var node = graph[v];
                    Assert.True(node.Props.SideEffectFree && node.Props.Writes.IsDefaultOrEmpty, $"{file}: {graph.Name} node {v} ({node.Label})");
                    Assert.DoesNotContain(node.Kind, new[] { NodeKind.TablePut, NodeKind.TableDelete, NodeKind.Enqueue, NodeKind.Source, NodeKind.Sink });
                }

                checkedGraphs++;
            }
        }

        Assert.True(checkedGraphs > 10);
    }

    [Fact]
    public void A_policy_that_speculates_a_write_is_refused()
    {
        var module = IrJson.Deserialize(File.ReadAllText(Path.Combine(RepoPaths.Samples, "messaging", "messaging.ir.json")));
        var read = module.FindGraph("read")!;
        var put = read.Nodes.First(n => n.Kind == NodeKind.TablePut).Id;
        var policyPath = Path.Combine(_dir, "bad.json");
        File.WriteAllText(policyPath, PolicyJson.Serialize(PolicyDocument.Empty(module.Service, 1000) with
        {
            Speculate = [new SpeculateDecision("listFolder", "read", read.Hash, [1, put], [new InputBinding("user", "user")], 1, 1, 0)],
        }));
        var (code, _, error) = Fluxo("run", Messaging, "-H", "read", "-i", "user=a", "-i", "key=b", "--policy", policyPath);
        Assert.Equal(1, code);
        Assert.Contains("may not run ahead", error);
    }
}
