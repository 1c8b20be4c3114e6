using Fluxo.Diagnostics;
using Fluxo.Runtime.Engine;
using Fluxo.Runtime.Tracing;
using Fluxo.Runtime.Workloads;
using Fluxo.Trace;
using Fluxo.Values;

namespace Fluxo.Runtime.Tests;

/// <summary>Requests traced into reused arrays: what reaches the file is each request's own record, and the latency report keeps its rule.</summary>
public sealed class RecordedTraceTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fluxo-recorded-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task EachWrittenRequestIsTheRecordItsRunMadeThoughTheArraysAreReused()
    {
        var engine = WeatherEngine.Create(new() { Trace = true });
        var path = Path.Combine(_dir, "t.bin");
        var expected = new List<TraceRequest>();
        using (var writer = RunTraceWriter.Open(path, engine.TraceHeader))
        {
            for (var i = 1; i <= 300; i++)
            {
                var zip = i % 3 == 0 ? "" : $"{10_000 + (i % 7)}";
                var request = Value.Record([new("ip", Value.String($"10.0.0.{i % 11}")), new("zip", Value.String(zip))]);
                var r = await engine.RunAsync("weather", request, new RequestInfo(i, i, i * 10.0));
                expected.Add(r.Trace!);
                writer.Record(r.Recorded!);
                // Through the result, which knows the record's generation: the record itself may already serve a request of
                // another test (the pool is the process's), and then its own ToRequest is that request's.
                Assert.Throws<InvalidOperationException>(() => r.Trace);
            }
        }

        // The same records written from copies, one object per request, give the same bytes.
        var copies = Path.Combine(_dir, "copies.bin");
        using (var writer = TraceWriter.Create(copies, engine.TraceHeader))
        {
            expected.ForEach(writer.Write);
        }

        Assert.Equal(File.ReadAllBytes(copies), File.ReadAllBytes(path));
        var diags = new DiagnosticBag();
        var data = TraceFile.Read(path, diags);
        Assert.True(data is not null, string.Join("\n", diags.Items));
        Assert.Equal(expected.Select(r => r.Id), data!.Requests.Select(r => r.Id));

        // Both branches of the If ran in some requests and not in others, so records of different shapes shared arrays.
        Assert.True(data.Requests.Select(r => r.Edges.Length).Distinct().Count() > 1);
    }

    [Fact]
    public async Task AResultRefusesItsTraceOnceItsRecordServesALaterRequest()
    {
        var engine = WeatherEngine.Create(new() { Trace = true });
        var path = Path.Combine(_dir, "reused.bin");
        using var writer = RunTraceWriter.Open(path, engine.TraceHeader);
        var request = Value.Record([new("ip", Value.String("10.0.0.1")), new("zip", Value.String("10001"))]);
        var first = await engine.RunAsync("weather", request, new RequestInfo(1, 1, 10.0));
        writer.Record(first.Recorded!);

        // The pool is the process's, shared with tests running beside this one, so the first record comes back to a later
        // request of this engine after a few requests, not necessarily the next one.
        RequestResult? reusing = null;
        for (var i = 2; i < 10_000 && reusing is null; i++)
        {
            var later = await engine.RunAsync("weather", request, new RequestInfo(i, i, i * 10.0));
            Assert.Equal(i, later.Trace!.Id);
            if (ReferenceEquals(later.Recorded, first.Recorded))
            {
                reusing = later;
            }
            else
            {
                writer.Record(later.Recorded!);
            }
        }

        Assert.NotNull(reusing);
        Assert.Throws<InvalidOperationException>(() => first.Trace);
    }

    [Fact]
    public void LatencyLogKeepsTheNearestRankRuleAndTheMean()
    {
        var random = new Random(5);
        var log = new LatencyLog();
        var all = new List<(double Latency, bool Ok)>();
        for (var i = 0; i < 5_000; i++)
        {
            var x = (Math.Round(random.NextDouble() * 300, 3), random.Next(10) > 0);
            all.Add(x);
            log.Add(x.Item1, x.Item2);
        }

        var report = RunReport.Build(new Dictionary<string, LatencyLog> { ["h"] = log }, 10, 1, []);
        var ok = all.Where(s => s.Ok).Select(s => s.Latency).Order().ToArray();
        var row = report.Overall;
        Assert.Equal(all.Count, row.Requests);
        Assert.Equal(all.Count - ok.Length, row.Errors);
        // The mean sums the latencies in the order they came.
        Assert.Equal(all.Where(s => s.Ok).Average(s => s.Latency), row.MeanMs);
        Assert.Equal(ok[(int)Math.Ceiling(0.95 * ok.Length) - 1], row.P95Ms);
        Assert.Equal(ok[(int)Math.Ceiling(0.50 * ok.Length) - 1], row.P50Ms);
    }
}
