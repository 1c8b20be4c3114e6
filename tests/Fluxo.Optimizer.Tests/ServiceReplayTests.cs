using Fluxo.Diagnostics;
using Fluxo.Optimizer.Ahead;
using Fluxo.Optimizer.Replay;
using Fluxo.Optimizer.Search;
using Fluxo.Policy;
using Fluxo.TestSupport;
using Fluxo.Trace;

namespace Fluxo.Optimizer.Tests;

public sealed class ServiceReplayTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fluxo-service-replay-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData(0, 1.0, false)]
    [InlineData(2, 1.0, true)]
    [InlineData(1, 0.5, false)]
    public void A_policy_of_caches_alone_replays_by_blocks_to_the_bit_what_it_replays_request_by_request(int workload, double sample, bool keepLatencies)
    {
        // Keeping every latency, the measured ones after a warm-up cannot hold the rows, so the rows take an array of their own.
        // More requests than a block, and not a multiple of one; no policy, and caches drawn at random at several budgets.
        var trace = new WeatherTraceGenerator().Generate(WeatherWorkload.Paper[workload], (5 * BlockReplay.Rows) + 31, seed: 21 + workload);
        var path = Path.Combine(_dir, "trace.bin");
        using (var writer = TraceWriter.Create(path, trace.Header))
        {
            foreach (var r in trace.Requests)
            {
                writer.Write(r);
            }
        }

        var module = WeatherIr.Module();
        var fast = ServiceReplay.Read(module, path, new DiagnosticBag(), sample: sample)!;
        var plain = ServiceReplay.Read(module, path, new DiagnosticBag(), sample: sample)!;
        plain.PlainReplay = true;
        fast.KeepLatencies = plain.KeepLatencies = keepLatencies;
        var session = OptimizationSession.Create(module, fast, path, 4096, new DiagnosticBag())!;
        var rng = new Random(workload);
        PolicyDocument[] policies =
        [
            PolicyDocument.Empty(module.Service, 0),
            .. Enumerable.Range(0, 12).Select(i => session.WithBudget(256L << (i % 8)).ToPolicy(RandomPolicies.Draw(session.WithBudget(256L << (i % 8)).Evaluator, rng))),
        ];
        Assert.Contains(policies, p => p.Caches.Length > 1);
        foreach (var policy in policies)
        {
            foreach (var from in new[] { 0, 700 })
            {
                var expected = plain.Run(policy, from);
                var actual = fast.Run(policy, from);
                var what = PolicyJson.Serialize(policy);
                Assert.True(Bits(expected.MeanMs) == Bits(actual.MeanMs), $"mean {actual.MeanMs:R} against {expected.MeanMs:R} for {what}");
                Assert.True(Bits(expected.P50Ms) == Bits(actual.P50Ms), $"p50 for {what}");
                Assert.True(Bits(expected.P95Ms) == Bits(actual.P95Ms), $"p95 for {what}");
                Assert.True(Bits(expected.P99Ms) == Bits(actual.P99Ms), $"p99 for {what}");
                Assert.Equal(expected.MeanByHandler.Select(h => (h.Key, Bits(h.Value))), actual.MeanByHandler.Select(h => (h.Key, Bits(h.Value))));
                Assert.Equal(expected.Latencies?.Select(Bits), actual.Latencies?.Select(Bits));
            }
        }
    }

    private static long Bits(double value) => BitConverter.DoubleToInt64Bits(value);
}
