using System.Diagnostics;
using Fluxo.Values;

namespace Fluxo.Runtime.Workloads;

/// <summary>
/// A workload under real time, open loop: sessions start at the workload's arrival times whether or not earlier
/// requests have answered; within a session each step waits for the previous answer and its think time. The
/// same seed draws the same sessions, clients and inputs as a virtual-time run, and which requests are sent and
/// their ids depend only on the seed: session k is given its share of the requests (its steps, cut at the total)
/// and a block of ids when it starts, in session order, never by which session happens to run first. Both <c>fluxo run --clock real</c>
/// (against the engine) and <c>fluxo load</c> (against a deployed service over HTTP) drive workloads with it.
/// </summary>
public sealed class OpenLoopDriver(Workload workload, ulong seed)
{
    /// <summary>Sends request <paramref name="id"/> (1 to the number of requests); returns its result (null when it failed), which later steps may draw from.</summary>
    public delegate Task<Value?> Issue(long id, string handler, Value input, long client, double arrivalMs, CancellationToken ct);

    private long _done;

    /// <summary>Called after each request with the number of requests done so far.</summary>
    public Action<long>? Progress { get; init; }

    public async Task RunAsync(int requests, Stopwatch wall, Issue issue, CancellationToken ct)
    {
        if (!workload.Log.IsEmpty)
        {
            await ReplayAsync(requests, wall, issue, ct).ConfigureAwait(false);
            return;
        }

        var arrivals = new SessionRandom(SeededDraw.Hash(seed, -1, 0xA1));
        var running = new List<Task>();
        var next = 0.0;
        long sessions = 0;
        long allotted = 0;
        while (allotted < requests)
        {
            var wait = next - wall.Elapsed.TotalMilliseconds;
            if (wait > 1)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(wait), ct).ConfigureAwait(false);
            }

            var session = NewSession(++sessions, out var plan);
            var steps = (int)Math.Min(plan.Steps.Length, requests - allotted);
            running.Add(SessionAsync(session, plan, steps, allotted + 1, requests, wall, issue, ct));
            allotted += steps;
            running.RemoveAll(t => t.IsCompletedSuccessfully);
            next += workload.NextGapMs(arrivals.NextDouble());
        }

        await Task.WhenAll(running).ConfigureAwait(false);
    }

    /// <summary>A replayed log, open loop: line k is sent as request k at its recorded time, whether or not earlier ones have answered.</summary>
    private async Task ReplayAsync(int requests, Stopwatch wall, Issue issue, CancellationToken ct)
    {
        var running = new List<Task>();
        var count = Math.Min(requests, workload.Log.Length);
        for (var k = 0; k < count; k++)
        {
            var entry = workload.Log[k];
            var wait = entry.TimeMs - wall.Elapsed.TotalMilliseconds;
            if (wait > 1)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(wait), ct).ConfigureAwait(false);
            }

            running.Add(SendAsync(k + 1, entry));
            running.RemoveAll(t => t.IsCompletedSuccessfully);
        }

        await Task.WhenAll(running).ConfigureAwait(false);

        async Task SendAsync(long id, LoggedRequest entry)
        {
            await issue(id, entry.Handler, entry.Input, entry.Client, wall.Elapsed.TotalMilliseconds, ct).ConfigureAwait(false);
            Progress?.Invoke(Math.Min(Interlocked.Increment(ref _done), count));
        }
    }

    /// <summary>Session <paramref name="n"/>: its client id, its own random stream and the plan it picked.</summary>
    public SessionState NewSession(long n, out SessionPlan plan)
    {
        var random = new SessionRandom(SeededDraw.Hash(seed, n, 0x5E55));
        plan = workload.Pick(random.NextDouble());
        return new SessionState(n, random);
    }

    private async Task SessionAsync(SessionState session, SessionPlan plan, int steps, long firstId, int requests, Stopwatch wall, Issue issue, CancellationToken ct)
    {
        for (var i = 0; i < steps; i++)
        {
            var step = plan.Steps[i];
            var input = step.Draw(session);
            var result = await issue(firstId + i, step.Handler, input, session.Client, wall.Elapsed.TotalMilliseconds, ct).ConfigureAwait(false);
            Progress?.Invoke(Math.Min(Interlocked.Increment(ref _done), requests));
            session.Inputs.Add(input);
            session.Results.Add(result);
            var think = step.Think.Sample(session.Random.NextBits());
            if (think > 0 && i + 1 < steps)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(think), ct).ConfigureAwait(false);
            }
        }
    }
}
