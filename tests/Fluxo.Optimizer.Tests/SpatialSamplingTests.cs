using Fluxo.Diagnostics;
using Fluxo.TestSupport;
using Fluxo.Trace;
using Fluxo.Values;

namespace Fluxo.Optimizer.Tests;

public sealed class SpatialSamplingTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fluxo-sampling-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void The_key_of_a_recorded_request_is_the_key_of_its_field_values()
    {
        var graph = WeatherIr.Module().Graphs[0];
        var fields = SpatialSampling.KeyFields(graph);
        Assert.Equal(["ip", "zip"], fields.ToArray());
        var request = HandTrace.ZipRequest(1, "10.0.0.1", "98052", "rainy");
        var expected = SpatialSampling.KeyHash([Value.String("10.0.0.1").StableHash, Value.String("98052").StableHash]);
        Assert.Equal(expected, SpatialSampling.KeyHash(graph, fields, request.Edges.AsSpan()));
        var other = HandTrace.ZipRequest(2, "10.0.0.1", "98053", "rainy");
        Assert.NotEqual(expected, SpatialSampling.KeyHash(graph, fields, other.Edges.AsSpan()));
    }

    [Fact]
    public void A_rate_keeps_that_share_of_keys()
    {
        Assert.True(SpatialSampling.Keeps(ulong.MaxValue, 1.0));
        Assert.False(SpatialSampling.Keeps(ulong.MaxValue / 2, 0.25));
        Assert.True(SpatialSampling.Keeps(ulong.MaxValue / 8, 0.25));
        var kept = Enumerable.Range(0, 100_000).Count(i => SpatialSampling.Keeps(SpatialSampling.KeyHash([(ulong)i]), 0.1));
        Assert.InRange(kept, 9_500, 10_500);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_sample_rate_travels_in_both_forms(bool binary)
    {
        var trace = HandTrace.Of(HandTrace.IpRequest(1, "a", "x", "sunny"));
        var path = Path.Combine(_dir, binary ? "s.bin" : "s.log");
        using (var writer = TraceWriter.Create(path, trace.Header with { SampleRate = 0.25 }, binary))
        {
            writer.Write(trace.Requests[0]);
        }

        var diags = new DiagnosticBag();
        Assert.Equal(0.25, TraceFile.Read(path, diags)!.Header.SampleRate);
        Assert.Empty(diags.Items);
    }

    [Fact]
    public void A_trace_written_before_sampling_reads_as_whole()
    {
        var path = Path.Combine(_dir, "old.log");
        File.WriteAllText(path, "fluxo-trace/1 text\nH {\"format\":\"fluxo-trace/1\",\"service\":\"Weather\",\"graphs\":[],\"clock\":\"virtual\"}\nend 0\n");
        var diags = new DiagnosticBag();
        Assert.Equal(1.0, TraceFile.Read(path, diags)!.Header.SampleRate);
    }

    [Fact]
    public void A_sample_rate_outside_zero_to_one_is_refused()
    {
        var path = Path.Combine(_dir, "bad.log");
        File.WriteAllText(path, "fluxo-trace/1 text\nH {\"format\":\"fluxo-trace/1\",\"service\":\"Weather\",\"graphs\":[],\"clock\":\"virtual\",\"sampleRate\":0}\nend 0\n");
        var diags = new DiagnosticBag();
        Assert.Null(TraceFile.Read(path, diags));
        Assert.Contains("sample rate", Assert.Single(diags.Items).Message);
    }
}
