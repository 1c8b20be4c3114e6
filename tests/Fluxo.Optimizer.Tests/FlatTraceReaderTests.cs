using Fluxo.Diagnostics;
using Fluxo.Optimizer.Ahead;
using Fluxo.Optimizer.Candidates;
using Fluxo.Optimizer.Replay;
using Fluxo.Optimizer.Search;
using Fluxo.TestSupport;
using Fluxo.Trace;

namespace Fluxo.Optimizer.Tests;

public sealed class FlatTraceReaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fluxo-flat-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(TraceData trace, bool binary)
    {
        var path = Path.Combine(_dir, binary ? "t.bin" : "t.txt");
        using var writer = TraceWriter.Create(path, trace.Header, binary);
        foreach (var r in trace.Requests)
        {
            writer.Write(r);
        }

        return path;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Reading_bytes_straight_into_arrays_flattens_as_the_object_trace_does(bool binary)
    {
        var module = WeatherIr.Module();
        var trace = new WeatherTraceGenerator().Generate(WeatherWorkload.Paper[0], 3000, seed: 5);
        var path = Write(trace, binary);
        var diagnostics = new DiagnosticBag();
        var replay = ServiceReplay.Read(module, path, diagnostics);
        Assert.True(replay is not null, string.Join("\n", diagnostics.Items));
        var read = OptimizationSession.Create(module, replay!, path, 4096, diagnostics)!.Parts[0].Trace;
        var expected = FlatTrace.Build(TraceFile.Read(path, diagnostics)!, new GraphFacts(module.Graphs[0]), path, diagnostics)!;
        Assert.Empty(diagnostics.Items);
        Assert.Equal(expected.Requests, read.Requests);
        Assert.Equal(expected.NodeEvents, read.NodeEvents);
        var n = expected.Facts.NodeCount;
        var e = expected.Facts.Edges.Count;
        Assert.Equal(expected.Self.AsSpan(0, expected.Requests * n).ToArray(), read.Self.AsSpan(0, read.Requests * n).ToArray());
        Assert.Equal(expected.EdgeHash.AsSpan(0, expected.Requests * e).ToArray(), read.EdgeHash.AsSpan(0, read.Requests * e).ToArray());
        Assert.Equal(expected.EdgeBytes.AsSpan(0, expected.Requests * e).ToArray(), read.EdgeBytes.AsSpan(0, read.Requests * e).ToArray());
        Assert.Equal(expected.ShapeOf.AsSpan(0, expected.Requests).ToArray(), read.ShapeOf.AsSpan(0, read.Requests).ToArray());
        Assert.Equal(expected.Shapes.Select(s => (s.Ran.ToArray(), s.EdgePresent.ToArray())), read.Shapes.Select(s => (s.Ran.ToArray(), s.EdgePresent.ToArray())));
        Assert.Equal(trace.Requests.Select(r => r.Id), Enumerable.Range(0, read.Requests).Select(read.IdOf));
        Assert.Equal(trace.Requests.Select(r => r.Id), Enumerable.Range(0, expected.Requests).Select(expected.IdOf));
    }

    [Theory]
    [InlineData(1.0, 1)]
    [InlineData(1.0, 7)]
    [InlineData(0.3, 1)]
    public void Each_row_knows_its_requests_id_whether_or_not_ids_count_up_by_one(double sample, int step)
    {
        // Rows keep no id while ids count up by one from the first (8 bytes per request); a gap, or a request the sample
        // leaves out, makes them keep every id.
        var module = WeatherIr.Module();
        var generated = new WeatherTraceGenerator().Generate(WeatherWorkload.Paper[0], 3000, seed: 5);
        var trace = generated with { Requests = [.. generated.Requests.Select((r, i) => r with { Id = 40 + ((long)i * step) })] };
        var path = Write(trace, binary: true);
        var diagnostics = new DiagnosticBag();
        var read = OptimizationSession.Create(module, ServiceReplay.Read(module, path, diagnostics, sample: sample)!, path, 4096, diagnostics)!.Parts[0].Trace;
        Assert.Empty(diagnostics.Items);
        var ids = Enumerable.Range(0, read.Requests).Select(read.IdOf).ToList();
        if (sample >= 1)
        {
            Assert.Equal(trace.Requests.Select(r => r.Id), ids);
        }
        else
        {
            Assert.InRange(ids.Count, 1, trace.Requests.Count - 1);
            Assert.Subset(trace.Requests.Select(r => r.Id).ToHashSet(), ids.ToHashSet());
            Assert.Equal(ids.Order(), ids);
            Assert.Equal(ids.Count, ids.Distinct().Count());
        }
    }

    [Fact]
    public void A_sample_per_cache_key_predicts_each_caches_hit_ratio_within_a_point()
    {
        // Sampling fits traces with many keys (SHARDS' setting). Each cache is checked on its own key's sample: ipToCity
        // keyed on the ip, cityToWeather on the city an ip maps to (a derived value many ips share), zipToWeather on the
        // zip (ip requests carry an empty one), the whole graph on both fields. A sample drawn on all the request's fields
        // thins the city's and the zip's histories and misses by tens of points.
        var module = WeatherIr.Module();
        var workload = new WeatherWorkload("wide", 0.3, 0.2, 0.5, Zips: 50_000, ZipSkew: 0.5, HotIps: 50_000, HotIpSkew: 0.5, ColdIps: 500_000, Cities: 40_000, CitySkew: 0.5);
        var trace = new WeatherTraceGenerator().Generate(workload, 200_000, seed: 3);
        var path = Write(trace, binary: true);
        var diagnostics = new DiagnosticBag();
        var whole = OptimizationSession.Create(module, ServiceReplay.Read(module, path, diagnostics)!, path, 1 << 20, diagnostics)!;
        var sampled = OptimizationSession.Create(module, ServiceReplay.Read(module, path, diagnostics, sample: 0.5)!, path, 1 << 20, diagnostics)!;
        Assert.Empty(diagnostics.Items);
        var flat = sampled.Parts[0].Trace;
        Assert.Equal(0.5, flat.SampleRate, 9);
        Assert.NotNull(flat.KeyMasks);
        int[][] caches = [[1], [2], [3], [1, 2], [1, 2, 3, 4, 5]];
        var errors = new List<string>();
        foreach (var c in caches.Select(nodes => whole.Evaluator.Candidates.Single(c => c.Nodes.SequenceEqual(nodes))))
        {
            var other = sampled.Evaluator.Candidates.Single(s => s.Nodes.SequenceEqual(c.Nodes));
            var exact = HitCurve.Build(whole.Simulator, c)!;
            var estimate = HitCurve.Build(sampled.Simulator, other)!;

            // Each cache's sample is credited with the rate times its lookups in the whole trace, counted while streaming
            // (KeySample.Adjust), whatever share of them the keys that hashed in happen to carry.
            if (Math.Abs(estimate.Lookups - (0.5 * exact.Lookups)) > 1)
            {
                errors.Add($"{c}: its sample is credited with {estimate.Lookups} lookups of {exact.Lookups}");
            }

            foreach (var bytes in new long[] { 1 << 20, 4 << 20 })
            {
                var run = whole.Simulator.Run([new CachePlacement(c, bytes)]).Caches[0].HitRatio;
                var sampledRun = sampled.Simulator.Run([new CachePlacement(other, bytes)]).Caches[0].HitRatio;
                if (Math.Abs(estimate.HitRatioAt(bytes) - exact.HitRatioAt(bytes)) > 0.01 || Math.Abs(sampledRun - run) > 0.01)
                {
                    errors.Add($"{c} at {bytes} B: curve {exact.HitRatioAt(bytes):F4} vs {estimate.HitRatioAt(bytes):F4}, replay {run:F4} vs {sampledRun:F4}");
                }
            }
        }

        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    [Fact]
    public void A_sample_of_few_keys_is_scaled_by_the_share_of_keys_it_drew_and_credited_with_the_lookups_it_stands_for()
    {
        // ip-cold has 600 cities, a few of them hot: at rate 0.1 a sample draws 60 +- 7 of them, carrying anywhere from a
        // few to a third of the lookups. Each salt draws another sample.
        var module = WeatherIr.Module();
        var trace = new WeatherTraceGenerator().Generate(WeatherWorkload.Paper[0], 100_000, seed: 3);
        var path = Write(trace, binary: true);
        var diagnostics = new DiagnosticBag();
        var whole = OptimizationSession.Create(module, ServiceReplay.Read(module, path, diagnostics)!, path, 1 << 20, diagnostics)!;
        var city = whole.Evaluator.Candidates.Single(c => c.Nodes.SequenceEqual([WeatherIr.CityToWeather]));
        var cities = whole.Simulator.Parts[0].KeysOf(city)!.DistinctKeys;
        var lookups = HitCurve.Build(whole.Simulator, city)!.Lookups;
        var errors = new List<string>();
        var shares = new List<double>();
        foreach (var salt in new ulong[] { 0, 1, 2, 3 })
        {
            var sampled = OptimizationSession.Create(module, ServiceReplay.Read(module, path, diagnostics, sample: 0.1, sampleSalt: salt)!, path, 1 << 20, diagnostics)!;
            Assert.Empty(diagnostics.Items);
            var flat = sampled.Parts[0].Trace;
            var other = sampled.Evaluator.Candidates.Single(c => c.Nodes.SequenceEqual(city.Nodes));
            var keys = sampled.Simulator.Parts[0].KeysOf(other)!;
            var bit = flat.KeySample!.BitOf(other);
            var drawn = Enumerable.Range(0, flat.Requests).Where(r => (flat.KeyMasks![r] & bit) != 0 && keys.EntryBytes[r] >= 0).Select(r => keys.KeyIds[r]).Distinct().Count();
            var share = (double)drawn / cities;
            shares.Add(share);
            if (flat.KeySample.RealizedRate(other) is not { } realized || Math.Abs(realized - share) > 0.03 * share)
            {
                errors.Add($"salt {salt}: drew {drawn} of {cities} cities ({share:F4}), estimated {flat.KeySample.RealizedRate(other)}");
            }

            var credited = HitCurve.Build(sampled.Simulator, other)!.Lookups;
            if (Math.Abs(credited - (0.1 * lookups)) > 1)
            {
                errors.Add($"salt {salt}: credited with {credited} lookups, not a tenth of {lookups}");
            }
        }

        Assert.True(shares.Max() - shares.Min() > 0.01, $"the salts drew alike: {string.Join(", ", shares)}");
        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    [Fact]
    public void A_sample_of_one_reads_the_whole_trace_with_no_key_groups()
    {
        var module = WeatherIr.Module();
        var trace = new WeatherTraceGenerator().Generate(WeatherWorkload.Paper[0], 3000, seed: 5);
        var path = Write(trace, binary: true);
        var diagnostics = new DiagnosticBag();
        var flat = OptimizationSession.Create(module, ServiceReplay.Read(module, path, diagnostics, sample: 1)!, path, 4096, diagnostics)!.Parts[0].Trace;
        Assert.Empty(diagnostics.Items);
        Assert.Equal(3000, flat.Requests);
        Assert.Null(flat.KeySample);
        Assert.Null(flat.KeyMasks);
        Assert.Equal(1.0, flat.SampleRate);
    }
}
