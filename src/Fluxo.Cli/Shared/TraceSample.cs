using Fluxo.Ir;
using Fluxo.Trace;

namespace Fluxo.Cli.Shared;

/// <summary>The spatial sample of a whole trace that a service sampling at a rate would have recorded (<see cref="SpatialSampling"/>).</summary>
internal static class TraceSample
{
    public static TraceData Keep(IrModule module, TraceData data, double rate)
    {
        var keys = module.Graphs.Select(SpatialSampling.KeyFields).ToArray();
        var index = data.Header.Graphs.ToDictionary(g => g.Index, g => module.Graphs.IndexOf(module.FindGraph(g.Name)!));
        var kept = data.Requests.Where(q =>
        {
            var g = index[q.Graph];
            return SpatialSampling.Keeps(SpatialSampling.KeyHash(module.Graphs[g], keys[g], q.Edges.AsSpan()), rate);
        }).ToList();
        return new TraceData(data.Header with { SampleRate = Math.Min(data.Header.SampleRate, rate) }, kept);
    }
}
