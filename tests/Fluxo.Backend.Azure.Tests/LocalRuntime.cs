using Fluxo.Diagnostics;
using Fluxo.Ir;
using Fluxo.Runtime;
using Fluxo.Runtime.Engine;
using Fluxo.Runtime.Externs;
using Fluxo.TestSupport;
using Fluxo.Values;

namespace Fluxo.Backend.Azure.Tests;

/// <summary>
/// The local runtime (what `fluxo run` executes) for the same module: the reference every answer of the generated
/// service is compared with. Its extern stand-ins also answer the generated service, through <see cref="ExternStub"/>.
/// </summary>
public sealed class LocalRuntime
{
    private long _nextId;

    public ServiceEngine Engine { get; }
    public ServiceBindings Bindings { get; }
    public IrModule Module { get; }

    public LocalRuntime(IrModule module, string? bindingsPath, string? bindingsJson = null, Fluxo.Policy.PolicyDocument? policy = null)
    {
        Module = module;
        var diags = new DiagnosticBag();
        Bindings = bindingsJson is not null ? ServiceBindings.Parse("bindings.json", bindingsJson, module, new HttpClient(), diags)!
            : bindingsPath is null ? ServiceBindings.Empty
            : ServiceBindings.Read(bindingsPath, module, new HttpClient(), diags)!;
        Engine = ServiceEngine.Create(module, new EngineOptions { Bindings = Bindings, Policy = policy, Trace = policy is not null }, diags)!;
        Assert.False(diags.HasErrors, string.Join("\n", diags.Items.Select(d => d.Format())));
    }

    public static LocalRuntime Weather() => new(Samples.Weather(), Path.Combine(RepoPaths.Samples, "weather", "weather.bindings.json"));

    /// <summary>The tour (bookmarks) with stand-ins for its two externs.</summary>
    public static LocalRuntime Tour() => new(Samples.Tour(), null, """
        {
          "format": "fluxo-bindings/1",
          "externs": {
            "fetchTitle": { "standIn": { "response": { "template": "Title of {url} ({hash%100})" } } },
            "notifyUser": { "standIn": { "response": { "const": true } } }
          }
        }
        """);

    /// <summary>The runtime's answer as the JSON the generated service must send back.</summary>
    public async Task<string> AnswerAsync(string handler, params (string Name, Value Value)[] args)
    {
        var request = Value.Record(args.Select(a => new KeyValuePair<string, Value>(a.Name, a.Value)));
        var result = await Engine.RunAsync(handler, request, new RequestInfo(Interlocked.Increment(ref _nextId), 0, 0));
        Assert.True(result.Succeeded, result.Error);
        return ValueJson.Serialize(result.Value!);
    }

    /// <summary>Each extern answered by its runtime binding, for the stand-in HTTP server.</summary>
    public Dictionary<string, Func<Value, Value>> ExternFunctions() => Module.Externs.ToDictionary(
        e => e.Name,
        e => (Func<Value, Value>)(args =>
        {
            var ordered = e.Params.Select(p => args.GetField(p.Name) ?? Value.Null).ToArray();
            return Bindings.Externs[e.Name].CallAsync(e, ordered, new CallSite(ClockMode.Virtual, 1, 0, 0, 0), CancellationToken.None).AsTask().Result.Value;
        }));
}
