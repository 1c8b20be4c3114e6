using System.Collections.Immutable;
using Fluxo.Ir;

namespace Fluxo.Trace;

/// <summary>One instance's trace as stored (a blob): its name, its requests and what was lost from it.</summary>
public sealed record TracePart(string Name, TraceData Data, long LostBytes, long DroppedRequests);

/// <summary>What joining the parts found: <see cref="WithoutFrontEnd"/> counts requests one tier recorded whole (front-end handlers, enqueued work).</summary>
public sealed record JoinReport(int Parts, int Requests, int Joined, int WithoutFrontEnd, int WithoutWorker, long LostBytes, long DroppedRequests);

/// <summary>
/// Joins the traces a deployed service's instances wrote into one trace, as <c>fluxo run</c> would have recorded it.
/// A worker handler's request leaves two parts with the same id: the front end's (arrival, client, latency seen by
/// the client; no nodes) and the worker's (nodes and edges, timed from when the worker took it). Arrivals are Unix
/// milliseconds in the parts; the joined trace counts from its first request, ordered by arrival, ids renumbered.
/// </summary>
public static class DeployedTraces
{
    public static (TraceData Trace, JoinReport Report) Join(IrModule module, IReadOnlyList<TracePart> parts, double? fromUnixMs, double? toUnixMs)
    {
        var graphs = module.Graphs.Select((g, i) => new TraceGraph(i, g.Name, g.Hash, g.Nodes.Length)).ToImmutableArray();
        var envelopes = new Dictionary<(int Graph, long Id), TraceRequest>();
        var bodies = new Dictionary<(int Graph, long Id), TraceRequest>();
        foreach (var part in parts)
        {
            var index = part.Data.Header.Graphs.ToDictionary(g => g.Index, g => graphs.First(m => m.Name == g.Name).Index);
            foreach (var r in part.Data.Requests)
            {
                var request = r with { Graph = index[r.Graph] };
                var into = request.Nodes.IsEmpty ? envelopes : bodies;
                into.TryAdd((request.Graph, request.Id), request);
            }
        }

        var joined = new List<TraceRequest>();
        var (both, bodyOnly) = (0, 0);
        foreach (var (key, body) in bodies)
        {
            if (envelopes.Remove(key, out var front))
            {
                // The worker started after the front end queued the request: its node times move by the queue wait.
                var shift = Math.Max(0, body.ArrivalMs - front.ArrivalMs);
                joined.Add(body with
                {
                    Client = front.Client,
                    ArrivalMs = front.ArrivalMs,
                    LatencyMs = Math.Max(front.LatencyMs, body.LatencyMs),
                    Nodes = [.. body.Nodes.Select(n => n.Status == NodeStatus.Skipped && n.StartMs == 0 && n.SelfMs == 0 ? n : n with { StartMs = n.StartMs + shift })],
                });
                both++;
            }
            else
            {
                joined.Add(body);
                bodyOnly++;
            }
        }

        var kept = joined
            .Where(r => (fromUnixMs is null || r.ArrivalMs >= fromUnixMs) && (toUnixMs is null || r.ArrivalMs < toUnixMs))
            .OrderBy(r => r.ArrivalMs).ThenBy(r => r.Id)
            .ToList();
        var t0 = kept.Count == 0 ? 0 : kept[0].ArrivalMs;
        var requests = kept.Select((r, i) => r with { Id = i, ArrivalMs = r.ArrivalMs - t0 }).ToList();
        var rate = parts.Count == 0 ? 1.0 : parts.Min(p => p.Data.Header.SampleRate);
        var dropped = parts.Sum(p => p.DroppedRequests);
        var header = new TraceHeader(TraceHeader.CurrentFormat, module.Service, graphs, "real", rate, dropped);
        var report = new JoinReport(parts.Count, requests.Count, both, bodyOnly, envelopes.Count, parts.Sum(p => p.LostBytes), dropped);
        return (new TraceData(header, requests), report);
    }
}
