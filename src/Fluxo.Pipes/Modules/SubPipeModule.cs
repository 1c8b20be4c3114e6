using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Fluxo.Values;

namespace Fluxo.Pipes.Modules;

/// <summary>A call of a sub-pipe: its settings feed the sub-pipe's user inputs by name, and its output is the sub-pipe's.</summary>
internal static class SubPipeModule
{
    public static async Task<Value> RunAsync(ModuleCall call)
    {
        var sub = call.Conf[ModuleCatalog.SubPipeKey] as JsonObject
            ?? throw call.BadSetting(ModuleCatalog.SubPipeKey, "the sub-pipe was not resolved at import");
        var request = Value.Record(call.Conf
            .Where(kv => !kv.Key.StartsWith("fluxo:", StringComparison.Ordinal))
            .Select(kv => new KeyValuePair<string, Value>(kv.Key, call.Resolve(kv.Value))));
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var result = await call.SubPipes.RunAsync(sub, request, call.Cancellation);
        call.WaitedMs += System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        call.LatencyMs += result.LatencyMs;
        return result.Value;
    }
}

/// <summary>Names of sub-pipes, the same wherever they are compiled or run.</summary>
public static class SubPipeNames
{
    /// <summary>The sub-pipe's definition as imported, the key under which its graph is found.</summary>
    public static string Definition(JsonObject subPipe) => subPipe["pipe"]?.ToJsonString() ?? "{}";

    /// <summary>The handler name of a sub-pipe's graph in a generated service: one per distinct definition.</summary>
    public static string Graph(JsonObject subPipe) =>
        "subpipe_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Definition(subPipe))))[..16];
}
