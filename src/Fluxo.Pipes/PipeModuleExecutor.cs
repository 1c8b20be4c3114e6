using System.Collections.Immutable;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Fluxo.Ir;
using Fluxo.Pipes.Modules;
using Fluxo.Runtime;
using Fluxo.Values;

namespace Fluxo.Pipes;

/// <summary>
/// Runs Yahoo Pipes modules (<see cref="NodeKind.PipeModule"/> nodes) with Yahoo's semantics. A module that cannot
/// produce its output throws <see cref="PipeRuntimeException"/> carrying a located diagnostic. Every module charges its
/// own time in <see cref="NodeOutcome.LatencyMs"/>: its code's measured time plus its fetches (a fixture's nominal
/// latency, or the measured fetch) and sub-pipes, so a trace shows where a pipe's time goes.
/// </summary>
public sealed class PipeModuleExecutor(PipeRunOptions options) : INodeExecutor
{
    private readonly SubPipeModule _subPipes = new();

    public PipeRunOptions Options { get; } = options;

    internal RegexCache Regexes { get; } = new(options.RegexTimeout);

    public bool CanExecute(Node node) => node.Kind == NodeKind.PipeModule;

    public async ValueTask<NodeOutcome> ExecuteAsync(Node node, ImmutableArray<Value> inputs, CancellationToken cancellationToken)
    {
        var type = node.Target ?? "";
        var conf = node.Config ?? [];
        var ports = node.Inputs.Select((input, i) => (input.Port ?? "_INPUT", i < inputs.Length ? inputs[i] : Value.Null)).ToList();
        var input = ModuleCatalog.ShapeOf(type) == ModuleShape.UserInput
            ? (inputs.IsDefaultOrEmpty ? Value.Null : inputs[0])
            : ports.FirstOrDefault(p => p.Item1 == "_INPUT").Item2;
        var call = new ModuleCall(this, type, conf["fluxo:id"]?.ToString() ?? node.Label, conf, input, ports, null, node.Span, cancellationToken);
        Value value;
        var started = Stopwatch.GetTimestamp();
        try
        {
            value = await RunModuleAsync(call);
        }
        catch (Exception e) when (e is not (PipeRuntimeException or OperationCanceledException))
        {
            // Settings of unexpected shapes or values must still end in a diagnostic that names the module.
            throw new PipeRuntimeException(Fluxo.Diagnostics.Diag.PipeModuleFailed(node.Span, call.Id, type, e.Message));
        }

        var own = Options.ChargeOwnTime ? Math.Max(0, Stopwatch.GetElapsedTime(started).TotalMilliseconds - call.WaitedMs) : 0;
        return new NodeOutcome(value, own + call.LatencyMs);
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
        _ when ModuleCatalog.IsSubPipe(call.Type) => _subPipes.RunAsync(call),
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
        _ when ModuleCatalog.Find(call.Type) is { Status: ModuleStatus.ServiceGone } gone => throw call.Fail(Fluxo.Diagnostics.Diag.PipeServiceGone(call.Span, call.Id, call.Type, gone.Notes)),
        _ when ModuleCatalog.ShapeOf(call.Type) == ModuleShape.UserInput => ValueModules.UserInput(call),
        _ => throw call.Fail(Fluxo.Diagnostics.Diag.PipeUnknownModule(call.Span, call.Id, call.Type)),
    };
}
