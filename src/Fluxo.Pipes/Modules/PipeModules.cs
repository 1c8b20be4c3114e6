using System.Diagnostics;
using System.Text.Json.Nodes;
using Fluxo.Diagnostics;
using Fluxo.Values;

namespace Fluxo.Pipes.Modules;

/// <summary>A module's output and the time it charges: its own code's measured time (unless the options say not to)
/// plus its fetches (a fixture's nominal latency, or the measured fetch), loop bodies and sub-pipes.</summary>
public readonly record struct ModuleResult(Value Value, double LatencyMs);

/// <summary>Runs a sub-pipe's graph for a module that calls it: the engine locally, the sub-pipe's compiled class in a
/// generated service.</summary>
public interface ISubPipes
{
    /// <summary>Runs the sub-pipe resolved at import (<paramref name="subPipe"/> is the calling module's
    /// <see cref="ModuleCatalog.SubPipeKey"/> setting) on a request record of its user inputs.</summary>
    Task<ModuleResult> RunAsync(JsonObject subPipe, Value request, CancellationToken cancellationToken);
}

/// <summary>
/// Yahoo Pipes' modules with Yahoo's semantics, by type: the one home of what each module does. The local engine
/// calls it through <c>Running.PipeModuleExecutor</c>; a generated service ships this source and calls it from each
/// compiled module node, so both compute the same items. A module that cannot produce its output throws
/// <see cref="PipeRuntimeException"/> carrying a located diagnostic.
/// </summary>
public sealed class PipeModules(PipeRunOptions options)
{
    public PipeRunOptions Options { get; } = options;

    internal RegexCache Regexes { get; } = new(options.RegexTimeout);

    /// <summary>Runs one module node: <paramref name="ports"/> are its inputs in order, each named by its terminal
    /// (a user-input module's only input is its request field).</summary>
    public async Task<ModuleResult> RunAsync(
        string type, JsonObject conf, string label, IReadOnlyList<(string Port, Value Value)> ports, SourceSpan span, ISubPipes subPipes, CancellationToken cancellationToken)
    {
        var input = ModuleCatalog.ShapeOf(type) == ModuleShape.UserInput
            ? (ports.Count == 0 ? Value.Null : ports[0].Value)
            : ports.FirstOrDefault(p => p.Port == "_INPUT").Value;
        var call = new ModuleCall(this, subPipes, type, conf["fluxo:id"]?.ToString() ?? label, conf, input, ports, null, span, cancellationToken);
        Value value;
        var started = Stopwatch.GetTimestamp();
        try
        {
            value = await RunModuleAsync(call);
        }
        catch (Exception e) when (e is not (PipeRuntimeException or OperationCanceledException))
        {
            // Settings of unexpected shapes or values must still end in a diagnostic that names the module.
            throw new PipeRuntimeException(Diag.PipeModuleFailed(span, call.Id, type, e.Message));
        }

        var own = Options.ChargeOwnTime ? Math.Max(0, Stopwatch.GetElapsedTime(started).TotalMilliseconds - call.WaitedMs) : 0;
        return new ModuleResult(value, own + call.LatencyMs);
    }

    internal Task<Value> RunModuleAsync(ModuleCall call) => call.Type switch
    {
        "fetch" => SourceModules.FetchAsync(call),
        "fetchsitefeed" => SourceModules.FetchSiteFeedAsync(call),
        "feedautodiscovery" => SourceModules.FeedAutoDiscoveryAsync(call),
        "fetchdata" => SourceModules.FetchDataAsync(call),
        "fetchpage" => SourceModules.FetchPageAsync(call),
        "xpathfetchpage" => SourceModules.XPathFetchPageAsync(call),
        "csv" => SourceModules.CsvAsync(call),
        "loop" => LoopModule.RunAsync(call),
        _ when ModuleCatalog.IsSubPipe(call.Type) => SubPipeModule.RunAsync(call),
        _ => Task.FromResult(RunLocal(call)),
    };

    private static Value RunLocal(ModuleCall call) => call.Type switch
    {
        "output" => StreamModules.Stream(call),
        "split" => StreamModules.Split(call),
        "subelement" => StreamModules.SubElement(call),
        "filter" => StreamModules.Filter(call),
        "sort" => StreamModules.Sort(call),
        "rename" => StreamModules.Rename(call),
        "regex" => RegexModule.Run(call),
        "union" => StreamModules.Union(call),
        "uniq" => StreamModules.Uniq(call),
        "count" => StreamModules.Count(call),
        "truncate" => StreamModules.Truncate(call),
        "tail" => StreamModules.Tail(call),
        "reverse" => StreamModules.Reverse(call),
        "itembuilder" => BuilderModules.ItemBuilder(call),
        "rssitembuilder" => BuilderModules.RssItemBuilder(call),
        "createrss" => BuilderModules.CreateRss(call),
        "strconcat" => ValueModules.StrConcat(call),
        "stringtokenizer" => ValueModules.StringTokenizer(call),
        "strreplace" => ValueModules.StrReplace(call),
        "substr" => ValueModules.SubString(call),
        "strregex" => RegexModule.RunOnString(call),
        "urlbuilder" => ValueModules.UrlBuilder(call),
        "datebuilder" => ValueModules.DateBuilder(call),
        "dateformat" => ValueModules.DateFormat(call),
        "simplemath" => ValueModules.SimpleMath(call),
        _ when ModuleCatalog.Find(call.Type) is { Status: ModuleStatus.ServiceGone } gone => throw call.Fail(Diag.PipeServiceGone(call.Span, call.Id, call.Type, gone.Notes)),
        _ when ModuleCatalog.ShapeOf(call.Type) == ModuleShape.UserInput => ValueModules.UserInput(call),
        _ => throw call.Fail(Diag.PipeUnknownModule(call.Span, call.Id, call.Type)),
    };
}
