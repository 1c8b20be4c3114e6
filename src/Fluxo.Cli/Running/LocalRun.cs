using Fluxo.Cli.Shared;
using Fluxo.Diagnostics;
using Fluxo.Frontends;
using Fluxo.Ir;
using Fluxo.Pipes.Import;
using Fluxo.Runtime;
using Fluxo.Runtime.Engine;
using Fluxo.Runtime.Tracing;
using Fluxo.Runtime.Workloads;
using Fluxo.Values;

namespace Fluxo.Cli.Running;

/// <summary>What a local run produced: one request's answer, or a workload's latency report.</summary>
internal abstract record RunOutcome;

/// <summary>One request's answer. <see cref="Text"/> is the answer as a user reads it (an HTTP answer in its wire shape,
/// any other value as indented JSON); <see cref="Json"/> is the value as JSON.</summary>
internal sealed record OneAnswer(string Handler, string Text, string Json) : RunOutcome;

/// <summary>A workload's report; an interrupted run has none (a diagnostic says how far it got).</summary>
internal sealed record WorkloadDone(RunReport Report) : RunOutcome;

/// <summary>Shows a workload's progress while it runs (the console's progress bar when a person is watching).</summary>
internal delegate Task<RunReport> WorkloadProgress(string label, int total, Func<Action<long>?, Task<RunReport>> run);

/// <summary>
/// `fluxo run`'s stage: loads the service, checks the run's options against it, sets up the engine's backends and
/// runs one request or a workload (writing the trace). Problems come back as diagnostics, never exceptions; a run
/// stopped by a signal closes its trace first, so it keeps every request that finished.
/// </summary>
internal static class LocalRun
{
    public static async Task<(int Exit, RunOutcome? Outcome)> RunAsync(RunArgs args, WorkloadProgress? progress, DiagnosticBag diags, CancellationToken ct)
    {
        var module = ServiceLoader.Load(args.File, diags);
        if (module is null || diags.HasErrors)
        {
            return (1, null);
        }

        // A pipe has one handler; running it needs no --handler.
        if (PipeSupport.IsPipe(module) && args.Handler is null && args.Workload is null)
        {
            args = args with { Handler = PipeImporter.HandlerName };
        }

        if ((args.Handler is null) == (args.Workload is null))
        {
            diags.Add(Diag.RunNeedsOneMode(both: args.Handler is not null));
            return (ExitCodes.Usage, null);
        }

        if (args.Requests <= 0)
        {
            diags.Add(Diag.RunBadRequests(args.Requests));
            return (1, null);
        }

        if (args.TimeLimitSeconds is { } limit && !(limit >= 0 && limit <= TimeSpan.MaxValue.TotalSeconds / 2))
        {
            diags.Add(Diag.RunBadTimeLimit(limit));
            return (1, null);
        }

        await using var setup = await RunSetup.CreateAsync(module, args, diags, ct);
        if (setup is null)
        {
            return (1, null);
        }

        var outcome = args.Handler is not null
            ? await RunOneAsync(setup.Engine, args, diags, ct)
            : await RunWorkloadAsync(setup.Engine, args, progress, diags, ct);
        return (outcome is null ? 1 : ExitCodes.Ok, outcome);
    }

    private static async Task<RunOutcome?> RunOneAsync(ServiceEngine engine, RunArgs args, DiagnosticBag diags, CancellationToken ct)
    {
        var graph = engine.Module.FindGraph(args.Handler!);
        if (graph is null)
        {
            diags.Add(Diag.UnknownHandler(args.File, args.Handler!));
            return null;
        }

        if (graph.Internal && !args.AllowInternal)
        {
            diags.Add(Diag.RunInternalHandler(graph.Name));
            return null;
        }

        var fields = RequestInputs.Read(engine.Module, graph, args.Inputs, diags);
        if (diags.HasErrors)
        {
            return null;
        }

        if (!RunTraceFile.TryOpen(args.Trace, engine.TraceHeader, binary: args.TraceFormat != "text", diags, out var trace))
        {
            return null;
        }

        RequestResult r;
        bool closed;
        try
        {
            r = await engine.RunAsync(graph.Name, Value.Record(fields), new RequestInfo(1, 1, 0), ct);
            if (r.Recorded is not null)
            {
                trace!.Record(r.Recorded);
            }
        }
        finally
        {
            closed = RunTraceFile.Close(trace, args.Trace, diags);
        }

        if (!r.Succeeded)
        {
            diags.Add(Diag.RequestFailed(args.File, graph.Name, r.Error!));
            return null;
        }

        return closed ? Answer(args.File, graph, r.Value!, diags) : null;
    }

    /// <summary>A handler declared to return an HTTP answer is shown as one; a value that does not have that shape is the
    /// request's failure, located at the handler.</summary>
    private static OneAnswer? Answer(string file, Graph graph, Value value, DiagnosticBag diags)
    {
        var json = ValueJson.Serialize(value, indented: true);
        if (graph.ReturnType != HttpResult.TypeName)
        {
            return new OneAnswer(graph.Name, json, json);
        }

        try
        {
            return new OneAnswer(graph.Name, HttpResult.Read(value).Format(), json);
        }
        catch (FlimpRuntimeException e)
        {
            diags.Add(Diag.RequestFailed(file, graph.Name, e.Message));
            return null;
        }
    }

    private static async Task<RunOutcome?> RunWorkloadAsync(ServiceEngine engine, RunArgs args, WorkloadProgress? progress, DiagnosticBag diags, CancellationToken ct)
    {
        var workload = WorkloadJson.Read(args.Workload!, engine.Module, diags);
        if (workload is null)
        {
            return null;
        }

        if (!RunTraceFile.TryOpen(args.Trace, engine.TraceHeader, binary: args.TraceFormat != "text", diags, out var trace))
        {
            return null;
        }

        Task<RunReport> Run(Action<long>? onProgress) =>
            new WorkloadRunner(engine, workload, trace) { Seed = args.Seed ?? workload.Seed, Progress = onProgress }.RunAsync(args.Requests, ct);
        RunReport? report = null;
        bool closed;
        try
        {
            report = progress is null
                ? await Run(null)
                : await progress($"{engine.Module.Service}: {args.Requests:N0} requests", args.Requests, Run);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopped by a signal: the trace is closed below, so it holds every request that finished.
        }
        finally
        {
            closed = RunTraceFile.Close(trace, args.Trace, diags);
        }

        if (report is null)
        {
            if (closed)
            {
                diags.Add(Diag.RunInterrupted(args.File, args.Trace, trace?.Written ?? 0));
            }

            return null;
        }

        return closed ? new WorkloadDone(report) : null;
    }
}
