using System.Globalization;
using System.Runtime.ExceptionServices;
using System.Text.Json.Nodes;
using Fluxo.Builtins;
using Fluxo.Diagnostics;
using Fluxo.Pipes.Fetching;
using Fluxo.Pipes.Modules;
using Fluxo.Values;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Fluxo.Support;

/// <summary>
/// Yahoo pipe modules in the generated service: the very <see cref="PipeModules"/> the local engine runs, fetching over
/// real HTTP with the guards <c>fluxo run</c> has (http and https only, no private or loopback address, size and time
/// limits). Sub-pipes run as their own compiled graphs, registered by name.
/// </summary>
public static class PipeHost
{
    private static PipeRunOptions _options = PipeRunOptions.With(new HttpFetcher());
    private static PipeModules _modules = new(_options);
    private static IReadOnlyDictionary<string, Func<RequestScope, Value, Task<Value>>> _subPipes = new Dictionary<string, Func<RequestScope, Value, Task<Value>>>();

    /// <summary>
    /// Reads <c>Pipes:Proxy</c> (an egress proxy for every fetch), <c>Pipes:AllowedEndpoints</c> (comma-separated
    /// <c>host:port</c> let through although private, such as that proxy) and <c>Pipes:Now</c> (an ISO 8601 instant that
    /// "now" means for date modules; unset, the real clock).
    /// </summary>
    public static void Configure(IConfiguration configuration, IReadOnlyDictionary<string, Func<RequestScope, Value, Task<Value>>> subPipes)
    {
        var limits = new FetchLimits
        {
            AllowedEndpoints = [.. (configuration["Pipes:AllowedEndpoints"] ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)],
            Proxy = configuration["Pipes:Proxy"] is { Length: > 0 } proxy ? new Uri(proxy) : null,
        };
        IBuiltinContext? clock = configuration["Pipes:Now"] is { Length: > 0 } now
            ? new FixedClock(DateTimeOffset.Parse(now, CultureInfo.InvariantCulture).ToUnixTimeMilliseconds())
            : null;
        _options = PipeRunOptions.With(new HttpFetcher(limits), clock);
        _modules = new PipeModules(_options);
        _subPipes = subPipes;
    }

    /// <summary>A module's warnings (a response it could read no items from, FLX3200) go to the service's log, where
    /// <c>fluxo run</c> would print them; the request still answers with the items the pipe has.</summary>
    public static void LogWarningsTo(ILogger logger) =>
        _modules = new PipeModules(_options with { Warn = d => logger.LogWarning("{Diagnostic}", d.Format()) });

    /// <summary>One module node. A failed fetch is the upstream's failure (502); any other located diagnostic is the pipe's (422).</summary>
    public static async Task<Value> RunAsync(RequestScope scope, string type, JsonObject conf, string label, (string Port, Value Value)[] ports, SourceSpan span)
    {
        try
        {
            return (await _modules.RunAsync(type, conf, label, ports, span, new ScopeSubPipes(scope), scope.Cancellation)).Value;
        }
        catch (PipeRuntimeException e) when (e.Diagnostic.Code is "FLX3101" or "FLX3102" or "FLX3103")
        {
            throw new ExternFailedException(e.Message, e);
        }
        catch (PipeRuntimeException e)
        {
            throw new HandlerFailedException(e.Message, e);
        }
    }

    /// <summary>A sub-pipe's request with every user input its caller leaves out added as none (its default applies), as
    /// the local engine's <c>UserInputs.Complete</c> does.</summary>
    public static Value WithInputs(Value request, string[] inputs) =>
        Value.Record(request.AsRecord.Concat(inputs.Where(i => request.GetField(i) is null).Select(i => new KeyValuePair<string, Value>(i, Value.Null))));

    private sealed class ScopeSubPipes(RequestScope scope) : ISubPipes
    {
        public async Task<ModuleResult> RunAsync(JsonObject subPipe, Value request, CancellationToken cancellationToken)
        {
            var name = SubPipeNames.Graph(subPipe);
            if (!_subPipes.TryGetValue(name, out var run))
            {
                throw new InvalidOperationException($"sub-pipe {name} was not compiled into this service");
            }

            try
            {
                return new ModuleResult(await run(scope.Nested(), request), 0);
            }
            catch (Exception e) when (e.InnerException is PipeRuntimeException inner)
            {
                // The sub-pipe's own diagnostic stops the calling module, as on the local engine.
                ExceptionDispatchInfo.Throw(inner);
                throw;
            }
        }
    }
}
