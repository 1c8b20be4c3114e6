using System.Collections.Immutable;
using Fluxo.Diagnostics;
using Fluxo.Ir;
using Fluxo.Runtime.Caching;
using Fluxo.Runtime.Groups;
using Fluxo.Runtime.Tables;
using Fluxo.Runtime.Tracing;
using Fluxo.Trace;
using Fluxo.Values;

namespace Fluxo.Runtime.Engine;

/// <summary>
/// Runs a service: every graph is compiled once into delegates at creation, then each request is a
/// demand from its Sink. A request that fails in the service's logic returns an error result.
/// </summary>
public sealed class ServiceEngine
{
    private readonly Dictionary<string, CompiledGraph> _graphs;

    private ServiceEngine(IrModule module, EngineOptions options, Dictionary<string, CompiledGraph> graphs)
    {
        Module = module;
        Options = options;
        _graphs = graphs;
        if (options.Tables is VersionedTableStore versioned)
        {
            Ahead = new AheadWork(this, options.Policy!, versioned);
        }

        TraceHeader = new TraceHeader(TraceHeader.CurrentFormat, module.Service,
            [.. module.Graphs.Select((g, i) => new TraceGraph(i, g.Name, g.Hash, g.Nodes.Length))],
            options.Clock == ClockMode.Virtual ? "virtual" : "real");
    }

    public IrModule Module { get; }

    public EngineOptions Options { get; }

    public TraceHeader TraceHeader { get; }

    /// <summary>Pre-computation and speculation the policy asked for; null when it asked for neither.</summary>
    public AheadWork? Ahead { get; }

    internal CompiledGraph? Compiled(string handler) => _graphs.GetValueOrDefault(handler);

    /// <summary>The caches the policy asked for, in policy order.</summary>
    public IReadOnlyList<ISubgraphCache> Caches => [.. _graphs.Values.SelectMany(g => g.Groups).Select(c => c.Cache).OfType<ISubgraphCache>()];

    /// <summary>Compiles every graph; null (with diagnostics) when something cannot run.</summary>
    public static ServiceEngine? Create(IrModule module, EngineOptions options, DiagnosticBag diags)
    {
        // Fn bodies compile callee first, recursively: a long chain of fns must not overflow the caller's stack.
        var local = new DiagnosticBag();
        var engine = Limits.LargeStack.Run(() => CreateOnThisStack(module, options, local));
        diags.AddRange(local.Items);
        return engine;
    }

    private static ServiceEngine? CreateOnThisStack(IrModule module, EngineOptions options, DiagnosticBag diags)
    {
        var ctx = new EngineContext(module, options.Bindings);
        foreach (var e in module.Externs.Where(e => !options.Bindings.Externs.ContainsKey(e.Name)))
        {
            diags.Add(Diag.ExternUnbound(module.SourceFile, e.Name));
        }

        if (diags.HasErrors)
        {
            return null;
        }

        if (options.Policy is { } policy && (policy.Precompute.Length > 0 || policy.Speculate.Length > 0))
        {
            options = options with { Tables = new VersionedTableStore(options.Tables) };
        }

        var groups = CacheGroups.Build(module, options.Policy, options.PolicyPath, options.Caches, diags);
        var graphs = new Dictionary<string, CompiledGraph>(StringComparer.Ordinal);
        for (var gi = 0; gi < module.Graphs.Length; gi++)
        {
            var graph = module.Graphs[gi];
            var nodes = new CompiledNode[graph.Nodes.Length];
            foreach (var node in graph.Nodes)
            {
                try
                {
                    nodes[node.Id] = CompileNode(ctx, graph, node, options);
                }
                catch (CompileException e)
                {
                    diags.Add(Diag.EngineCannotCompile(node.Span, $"{graph.Name} node {node.Id} ({node.Label}): {e.Message}"));
                }
            }

            var (groupOf, cacheGroups) = groups.GetValueOrDefault(graph.Name, (Enumerable.Repeat(-1, graph.Nodes.Length).ToArray(), []));
            graphs[graph.Name] = new CompiledGraph { Graph = graph, Index = gi, Nodes = nodes, GroupOf = groupOf, Groups = cacheGroups, SourceFields = new SourceFields(graph) };
        }

        return diags.HasErrors ? null : new ServiceEngine(module, options, graphs);
    }

    private static CompiledNode CompileNode(EngineContext ctx, Graph graph, Node node, EngineOptions options)
    {
        if (node.Id == graph.SourceId)
        {
            return new CompiledNode { Node = node, GuardStrict = [], Strict = [] };
        }

        var guardStrict = Strictness.Of(node.Guard);
        var strict = node.Id == graph.SinkId
            ? Enumerable.Range(0, node.Inputs.Length).ToHashSet()
            : Strictness.Of(node.Expr);
        foreach (var i in guardStrict.Concat(strict))
        {
            if (i < 0 || i >= node.Inputs.Length)
            {
                throw new CompileException($"input {i} does not exist (the node has {node.Inputs.Length})");
            }
        }

        var guardCompiler = new ExprCompiler(ctx, guardStrict);
        var guard = node.Guard is null ? null : guardCompiler.Compile(node.Guard, ImmutableDictionary<string, int>.Empty);
        var compiler = new ExprCompiler(ctx, [.. strict, .. guardStrict]);
        var expr = node.Expr is null ? null : compiler.Compile(node.Expr, ImmutableDictionary<string, int>.Empty);
        INodeExecutor? executor = null;
        if (expr is null)
        {
            executor = options.Executors.FirstOrDefault(x => x.CanExecute(node))
                ?? throw new CompileException($"node kind {node.Kind} has no expression and no executor");
            strict = Enumerable.Range(0, node.Inputs.Length).ToHashSet();
        }

        return new CompiledNode
        {
            Node = node,
            GuardStrict = [.. guardStrict.Order()],
            Strict = [.. strict.Except(guardStrict).Order()],
            Guard = guard,
            Expr = expr,
            Executor = executor,
            Slots = Math.Max(guardCompiler.Slots, compiler.Slots),
        };
    }

    /// <summary>Runs one request of <paramref name="handler"/> with <paramref name="request"/> (a record of its parameters).</summary>
    public async ValueTask<RequestResult> RunAsync(string handler, Value request, RequestInfo info, CancellationToken ct = default)
    {
        if (!_graphs.TryGetValue(handler, out var g))
        {
            return new RequestResult(info.Id, handler, null, $"the service has no handler '{handler}'", 0, null);
        }

        if (g.Graph.Params.FirstOrDefault(p => request.GetField(p.Name) is null) is { } missing)
        {
            return new RequestResult(info.Id, handler, null, $"the request has no parameter '{missing.Name}'", 0, null);
        }

        // The time limit cancels the request's own token; the caller's token (SIGINT, SIGTERM) still ends the whole run.
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        if (Options.TimeLimit is { } timeLimit)
        {
            limit.CancelAfter(timeLimit);
        }

        var pending = Ahead is null ? null : await Ahead.BeforeAsync(handler, info, ct).ConfigureAwait(false);
        var run = new RequestRun(this, g, request, info, Options.Trace, limit.Token, pending);
        try
        {
            var value = await run.RunSinkAsync().ConfigureAwait(false);
            var latency = run.SinkReady;
            if (Ahead is not null)
            {
                await Ahead.AfterAsync(handler, request, value, info, latency, pending, ct).ConfigureAwait(false);
            }

            return new RequestResult(info.Id, handler, value, null, latency, Options.Trace ? run.BuildTrace(latency) : null);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            var latency = run.LatestFinish();
            if (Ahead is not null)
            {
                await Ahead.AfterAsync(handler, request, null, info, latency, pending, ct).ConfigureAwait(false);
            }

            var error = e is OperationCanceledException && limit.IsCancellationRequested
                ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"the request ran longer than its time limit of {Options.TimeLimit?.TotalSeconds:0.###} s")
                : Describe(e);
            return new RequestResult(info.Id, handler, null, error, latency, Options.Trace ? run.BuildTrace(latency) : null) { Failure = e };
        }
    }

    private static string Describe(Exception e) => e switch
    {
        FlimpRuntimeException or Externs.ExternFailureException => e.Message,
        InvalidCastException => "a value has the wrong type: " + e.Message,
        _ => $"{e.GetType().Name}: {e.Message}",
    };
}
