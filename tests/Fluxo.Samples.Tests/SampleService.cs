using System.Text.Json;
using Fluxo.Diagnostics;
using Fluxo.Flimp;
using Fluxo.Ir;
using Fluxo.Runtime;
using Fluxo.Runtime.Engine;
using Fluxo.Runtime.Externs;
using Fluxo.Runtime.Queues;
using Fluxo.Runtime.Tables;
using Fluxo.TestSupport;
using Fluxo.Trace;
using Fluxo.Values;

namespace Fluxo.Samples.Tests;

/// <summary>
/// A sample service compiled from samples/NAME/NAME.flimp with its bindings, run by the runtime engine
/// (virtual time) over one in-memory table store, as `fluxo run` does. Calls carry an arrival time so
/// tests can let sessions expire.
/// </summary>
internal sealed class SampleService : IDisposable
{
    private readonly ServiceEngine _engine;
    private readonly InProcessQueue _queue = new();
    private readonly HttpClient _http = new();
    private long _nextId;

    public SampleService(string name)
        : this(Path.Combine(RepoPaths.Samples, name, name + ".flimp"), null)
    {
    }

    /// <summary>A service from Flimp <paramref name="text"/> (or the file at <paramref name="path"/>), with the bindings beside the path when there are any.</summary>
    public SampleService(string path, string? text)
    {
        var diags = new DiagnosticBag();
        Module = FlimpCompiler.Compile(path, text ?? File.ReadAllText(path), diags) ?? throw new InvalidOperationException(Describe(diags));
        var bindings = File.Exists(ServiceBindings.PathBeside(path)) ? ServiceBindings.Read(ServiceBindings.PathBeside(path), Module, _http, diags) : ServiceBindings.Empty;
        var options = new EngineOptions { Bindings = bindings ?? ServiceBindings.Empty, Tables = Tables, Queue = _queue, Trace = true };
        _engine = ServiceEngine.Create(Module, options, diags) ?? throw new InvalidOperationException(Describe(diags));
        Assert.False(diags.HasErrors, Describe(diags));
    }

    public IrModule Module { get; }

    public InMemoryTableStore Tables { get; } = new();

    /// <summary>The virtual time (ms since the engine's epoch) at which the next call arrives.</summary>
    public double Now { get; set; }

    /// <summary>The trace of the last call: which nodes ran.</summary>
    public TraceRequest? LastTrace { get; private set; }

    /// <summary>Runs one request whose parameters are given as a JSON object; fails the test when the request fails.</summary>
    public async Task<Value> Call(string handler, object request)
    {
        var r = await Try(handler, request);
        Assert.True(r.Succeeded, $"{handler}: {r.Error}");
        return r.Value!;
    }

    /// <summary>Runs one request and returns its outcome, failed or not.</summary>
    public async Task<RequestResult> Try(string handler, object request)
    {
        var json = request as string ?? JsonSerializer.Serialize(request);
        var r = await _engine.RunAsync(handler, ValueJson.Parse(json), new RequestInfo(++_nextId, 1, Now));
        Now += r.LatencyMs;
        LastTrace = r.Trace;
        return r;
    }

    /// <summary>Runs every call waiting in the queue (and what those enqueue), as the worker would; returns how many ran.</summary>
    public async Task<IReadOnlyList<(string Handler, Value Result)>> DrainQueue()
    {
        var ran = new List<(string, Value)>();
        while (await _queue.ReceiveAsync(32, CancellationToken.None) is { Count: > 0 } calls)
        {
            foreach (var c in calls)
            {
                var r = await _engine.RunAsync(c.Handler, c.Args, new RequestInfo(++_nextId, c.Client, Math.Max(Now, c.SentAtMs)));
                Assert.True(r.Succeeded, $"{c.Handler}: {r.Error}");
                ran.Add((c.Handler, r.Value!));
            }
        }

        return ran;
    }

    public async Task<Value?> Row(string table, string partition, string row) =>
        await Tables.GetAsync(Module.Tables.Single(t => t.Name == table), partition, row, CancellationToken.None);

    public async Task<IReadOnlyList<Value>> Rows(string table, string partition) =>
        await Tables.QueryAsync(Module.Tables.Single(t => t.Name == table), partition, null, CancellationToken.None);

    public void Dispose() => _http.Dispose();

    private static string Describe(DiagnosticBag diags) => string.Join("\n", diags.Items.Select(d => d.Format()));
}

internal static class ValueExtensions
{
    public static Value F(this Value v, string field) => v.GetField(field) ?? throw new InvalidOperationException($"no field '{field}' in {ValueJson.Serialize(v)}");

    public static string S(this Value v, string field) => v.F(field).AsString;

    public static bool B(this Value v, string field) => v.F(field).AsBool;
}
