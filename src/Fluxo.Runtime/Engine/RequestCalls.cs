using System.Diagnostics;
using System.Globalization;
using Fluxo.Builtins;
using Fluxo.Ir;
using Fluxo.Runtime.Externs;
using Fluxo.Runtime.Queues;
using Fluxo.Values;

namespace Fluxo.Runtime.Engine;

/// <summary>A request's calls out of the graph (externs, tables, queues) and the clock and seed its builtins see.</summary>
internal sealed class RequestCalls(RequestRun run) : IBuiltinContext
{
    private readonly EngineOptions _options = run.Engine.Options;
    private readonly bool _virtual = run.Virtual;
    private long _draws;

    public async ValueTask<Value> CallExternAsync(Frame f, ExternDecl decl, IExternBinding binding, Value[] args)
    {
        var site = new CallSite(_options.Clock, _options.Seed, run.Info.Id, f.NodeId, f.CallIndex++);
        var r = await binding.CallAsync(decl, args, site, run.Ct).ConfigureAwait(false);
        if (_virtual)
        {
            f.SelfMs += r.LatencyMs;
        }

        return r.Value;
    }

    private async ValueTask Charge(Frame f, bool simulated, LatencyDistribution latency, long startTicks)
    {
        if (simulated)
        {
            var ms = latency.Sample(SeededDraw.Hash(_options.Seed, run.Info.Id, f.NodeId, f.CallIndex++));
            if (_virtual)
            {
                f.SelfMs += ms;
            }
            else if (ms > 0)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(ms), run.Ct).ConfigureAwait(false);
            }
        }
        else if (_virtual)
        {
            f.SelfMs += Stopwatch.GetElapsedTime(startTicks).TotalMilliseconds;
        }
    }

    private static string KeyText(Value v, string what) => v.IsNull
        ? throw new FlimpRuntimeException($"a table {what} is none")
        : v.ToString();

    public async ValueTask<Value> TableGetAsync(Frame f, TableDecl t, Value pk, Value rk)
    {
        var tables = _options.Tables;
        var t0 = Stopwatch.GetTimestamp();
        var row = await tables.GetAsync(t, KeyText(pk, "partition key"), KeyText(rk, "row key"), run.Ct).ConfigureAwait(false);
        await Charge(f, tables.Simulated, _options.Bindings.TableLatency, t0).ConfigureAwait(false);
        return row ?? Value.Null;
    }

    public async ValueTask<Value> TableQueryAsync(Frame f, TableDecl t, Value pk, Value prefix)
    {
        var tables = _options.Tables;
        var t0 = Stopwatch.GetTimestamp();
        var rows = await tables.QueryAsync(t, KeyText(pk, "partition key"), prefix.IsNull ? null : prefix.ToString(), run.Ct).ConfigureAwait(false);
        await Charge(f, tables.Simulated, _options.Bindings.TableLatency, t0).ConfigureAwait(false);
        return Value.List(rows);
    }

    public async ValueTask<Value> TablePutAsync(Frame f, TableDecl t, Value pk, Value rk, Value fields)
    {
        var tables = _options.Tables;
        var t0 = Stopwatch.GetTimestamp();
        var row = Value.Record([new(t.PartitionKey.Name, pk), new(t.RowKey.Name, rk), .. fields.AsRecord]);
        await tables.PutAsync(t, KeyText(pk, "partition key"), KeyText(rk, "row key"), row, run.Ct).ConfigureAwait(false);
        await Charge(f, tables.Simulated, _options.Bindings.TableLatency, t0).ConfigureAwait(false);
        return Value.Null;
    }

    public async ValueTask<Value> TableDeleteAsync(Frame f, TableDecl t, Value pk, Value rk)
    {
        var tables = _options.Tables;
        var t0 = Stopwatch.GetTimestamp();
        await tables.DeleteAsync(t, KeyText(pk, "partition key"), KeyText(rk, "row key"), run.Ct).ConfigureAwait(false);
        await Charge(f, tables.Simulated, _options.Bindings.TableLatency, t0).ConfigureAwait(false);
        return Value.Null;
    }

    public async ValueTask<Value> EnqueueAsync(Frame f, string handler, Value args)
    {
        var queue = _options.Queue;
        var t0 = Stopwatch.GetTimestamp();
        var sentAt = run.Info.ArrivalMs + (_virtual ? f.MaxReady + f.SelfMs : run.Elapsed);
        await queue.SendAsync(new QueuedCall(handler, args, run.Info.Client, sentAt), run.Ct).ConfigureAwait(false);
        await Charge(f, queue.Simulated, _options.Bindings.QueueLatency, t0).ConfigureAwait(false);
        return Value.Null;
    }

    // ---- builtin context: the run's clock and seed ----

    public long NowMs => _virtual
        ? _options.EpochMs + (long)run.Info.ArrivalMs
        : DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    public string NewId()
    {
        var n = Interlocked.Increment(ref _draws);
        var a = SeededDraw.Hash(_options.Seed ^ 0x1D, run.Info.Id, n);
        var b = SeededDraw.Mix(a);
        return a.ToString("x16", CultureInfo.InvariantCulture) + b.ToString("x16", CultureInfo.InvariantCulture);
    }

    public double NextRandom() => SeededDraw.Unit(SeededDraw.Hash(_options.Seed ^ 0x2F, run.Info.Id, Interlocked.Increment(ref _draws)));
}
