using System.Diagnostics;
using System.Globalization;
using Fluxo.Ir;
using Fluxo.Runtime.Externs;
using Fluxo.Runtime.Queues;
using Fluxo.Values;

namespace Fluxo.Runtime.Engine;

/// <summary>A request's calls out of the graph (externs, tables, queues) and the clock and seed its builtins see.</summary>
internal sealed partial class RequestRun
{
    public async ValueTask<Value> CallExternAsync(Frame f, ExternDecl decl, IExternBinding binding, Value[] args)
    {
        var site = new CallSite(_engine.Options.Clock, _engine.Options.Seed, Info.Id, f.NodeId, f.CallIndex++);
        var r = await binding.CallAsync(decl, args, site, _ct).ConfigureAwait(false);
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
            var ms = latency.Sample(SeededDraw.Hash(_engine.Options.Seed, Info.Id, f.NodeId, f.CallIndex++));
            if (_virtual)
            {
                f.SelfMs += ms;
            }
            else if (ms > 0)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(ms), _ct).ConfigureAwait(false);
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
        var tables = _engine.Options.Tables;
        var t0 = Stopwatch.GetTimestamp();
        var row = await tables.GetAsync(t, KeyText(pk, "partition key"), KeyText(rk, "row key"), _ct).ConfigureAwait(false);
        await Charge(f, tables.Simulated, _engine.Options.Bindings.TableLatency, t0).ConfigureAwait(false);
        return row ?? Value.Null;
    }

    public async ValueTask<Value> TableQueryAsync(Frame f, TableDecl t, Value pk, Value prefix)
    {
        var tables = _engine.Options.Tables;
        var t0 = Stopwatch.GetTimestamp();
        var rows = await tables.QueryAsync(t, KeyText(pk, "partition key"), prefix.IsNull ? null : prefix.ToString(), _ct).ConfigureAwait(false);
        await Charge(f, tables.Simulated, _engine.Options.Bindings.TableLatency, t0).ConfigureAwait(false);
        return Value.List(rows);
    }

    public async ValueTask<Value> TablePutAsync(Frame f, TableDecl t, Value pk, Value rk, Value fields)
    {
        var tables = _engine.Options.Tables;
        var t0 = Stopwatch.GetTimestamp();
        var row = Value.Record([new(t.PartitionKey.Name, pk), new(t.RowKey.Name, rk), .. fields.AsRecord]);
        await tables.PutAsync(t, KeyText(pk, "partition key"), KeyText(rk, "row key"), row, _ct).ConfigureAwait(false);
        await Charge(f, tables.Simulated, _engine.Options.Bindings.TableLatency, t0).ConfigureAwait(false);
        return Value.Null;
    }

    public async ValueTask<Value> TableDeleteAsync(Frame f, TableDecl t, Value pk, Value rk)
    {
        var tables = _engine.Options.Tables;
        var t0 = Stopwatch.GetTimestamp();
        await tables.DeleteAsync(t, KeyText(pk, "partition key"), KeyText(rk, "row key"), _ct).ConfigureAwait(false);
        await Charge(f, tables.Simulated, _engine.Options.Bindings.TableLatency, t0).ConfigureAwait(false);
        return Value.Null;
    }

    public async ValueTask<Value> EnqueueAsync(Frame f, string handler, Value args)
    {
        var queue = _engine.Options.Queue;
        var t0 = Stopwatch.GetTimestamp();
        var sentAt = Info.ArrivalMs + (_virtual ? f.MaxReady + f.SelfMs : Elapsed);
        await queue.SendAsync(new QueuedCall(handler, args, Info.Client, sentAt), _ct).ConfigureAwait(false);
        await Charge(f, queue.Simulated, _engine.Options.Bindings.QueueLatency, t0).ConfigureAwait(false);
        return Value.Null;
    }

    // ---- builtin context: the run's clock and seed ----

    public long NowMs => _virtual
        ? _engine.Options.EpochMs + (long)Info.ArrivalMs
        : DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    public string NewId()
    {
        var n = Interlocked.Increment(ref _draws);
        var a = SeededDraw.Hash(_engine.Options.Seed ^ 0x1D, Info.Id, n);
        var b = SeededDraw.Mix(a);
        return a.ToString("x16", CultureInfo.InvariantCulture) + b.ToString("x16", CultureInfo.InvariantCulture);
    }

    public double NextRandom() => SeededDraw.Unit(SeededDraw.Hash(_engine.Options.Seed ^ 0x2F, Info.Id, Interlocked.Increment(ref _draws)));
}
