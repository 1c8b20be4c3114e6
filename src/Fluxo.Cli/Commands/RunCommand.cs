using System.Collections.Immutable;
using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Fluxo.Cli.Running;
using Fluxo.Cli.Shared;
using Fluxo.Diagnostics;
using Fluxo.Frontends;
using Fluxo.Pipes.Import;
using Fluxo.Policy;
using Fluxo.Runtime;
using Fluxo.Runtime.Caching;
using Fluxo.Runtime.Engine;
using Fluxo.Runtime.Externs;
using Fluxo.Runtime.Queues;
using Fluxo.Runtime.Tables;
using Fluxo.Runtime.Tracing;
using Fluxo.Runtime.Workloads;
using Fluxo.Trace;
using Fluxo.Values;
using Spectre.Console;

namespace Fluxo.Cli.Commands;

/// <summary>`fluxo run`: one request printed as JSON, or a workload with a trace and a latency table.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "The service: a .flimp file, its IR (.ir.json) or a Yahoo pipe (.json)." };
        var handler = CliOptions.Handler("Run one request of this handler and print its result as JSON.");
        var input = new Option<string[]>("--input", "-i") { Description = "A request parameter, name=value (repeatable).", AllowMultipleArgumentsPerToken = false };
        var workload = new Option<string?>("--workload", "-w") { Description = "Run a workload file (docs/workload-format.md)." };
        var requests = new Option<int>("--requests", "-n") { Description = "How many workload requests to send.", DefaultValueFactory = _ => 10_000 };
        var trace = new Option<string?>("--trace", "-t") { Description = "Write the trace here (binary unless --trace-format text)." };
        var traceFormat = new Option<string?>("--trace-format") { Description = "binary (the default) or text; readers tell them apart by their first bytes." };
        traceFormat.AcceptOnlyFromAmong("binary", "text");
        var policy = new Option<string?>("--policy", "-p") { Description = "Apply the caches of a policy file." };
        var clock = CliOptions.Choice("--clock", "virtual (latencies added, never slept) or real.", ClockMode.Virtual);
        var format = CliOptions.Format(OutputFormat.Text, OutputFormat.Json);
        var seed = new Option<ulong?>("--seed") { Description = "Seed for latencies, ids and the workload (default: the workload's)." };
        var bindings = new Option<string?>("--bindings") { Description = "Bindings file (default: <service>.bindings.json beside the service)." };
        var azure = new Option<string?>("--azure-storage") { Description = "Keep tables and queues in Azure Storage (a connection string, e.g. Azurite's)." };
        var redis = new Option<string?>("--redis") { Description = "Keep caches in Redis (a StackExchange.Redis connection string)." };
        var fixtures = new Option<string?>("--fixtures") { Description = "Pipes: serve fetches from DIR/urls.tsv instead of the web." };
        var allowPrivate = new Option<bool>("--allow-private") { Description = "Pipes: let fetches reach private and loopback addresses." };
        var allowStale = new Option<bool>("--allow-stale-policy") { Description = "Drop (and list) policy decisions made for another version of a handler instead of failing." };
        var tables = new Option<string?>("--tables") { Description = "Seed the tables from a JSON file before running (docs/runtime.md)." };
        var allowInternal = new Option<bool>("--allow-internal") { Description = "Let --handler run an internal handler (one only enqueue runs)." };
        var timeLimit = new Option<double?>("--time-limit") { Description = "Seconds of wall time one request may take (default 120; 0 for no limit)." };
        var cmd = new Command("run", "Run a service locally: one request, or a workload that records a trace.")
        {
            file, handler, input, workload, requests, trace, traceFormat, policy, clock, seed, bindings, azure, redis, fixtures, allowPrivate, format, allowStale, tables, allowInternal, timeLimit,
        };
        cmd.SetAction(async (parse, ct) =>
        {
            var err = parse.InvocationConfiguration.Error;
            var args = new RunArgs(parse.GetRequiredValue(file), parse.GetValue(handler), parse.GetValue(input) ?? [],
                parse.GetValue(workload), parse.GetValue(requests), parse.GetValue(trace), parse.GetValue(traceFormat), parse.GetValue(policy),
                parse.GetValue(clock), parse.GetValue(seed), parse.GetValue(bindings),
                parse.GetValue(azure), parse.GetValue(redis), parse.GetValue(fixtures), parse.GetValue(allowPrivate), parse.GetValue(format), parse.GetValue(allowStale),
                parse.GetValue(tables), parse.GetValue(allowInternal), parse.GetValue(timeLimit));
            var interactive = args.Format == OutputFormat.Text && !Console.IsOutputRedirected && ReferenceEquals(parse.InvocationConfiguration.Output, Console.Out);
            return await RunAsync(args, parse.InvocationConfiguration.Output, err, interactive, ct);
        });
        return cmd;
    }

    public static async Task<int> RunAsync(RunArgs args, TextWriter output, TextWriter error, bool interactive, CancellationToken ct)
    {
        var diags = new DiagnosticBag();
        var json = new JsonResult();
        int code;
        try
        {
            code = await RunCoreAsync(args, args.Format == OutputFormat.Json ? TextWriter.Null : output, interactive, diags, json, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            diags.Add(Diag.RunInterrupted(args.File, null, 0));
            code = 1;
        }

        foreach (var d in diags.Sorted())
        {
            error.WriteLine(d.Format());
        }

        code = diags.HasErrors && code == ExitCodes.Ok ? ExitCodes.Errors : code;
        if (args.Format == OutputFormat.Json)
        {
            JsonOutput.Write(output, "run", code, diags, json.Body);
        }

        return code;
    }

    /// <summary>What `--format json` adds to the run document, set by the mode that ran.</summary>
    private sealed class JsonResult
    {
        public Action<System.Text.Json.Utf8JsonWriter>? Body { get; set; }
    }

    private static async Task<int> RunCoreAsync(RunArgs args, TextWriter output, bool interactive, DiagnosticBag diags, JsonResult json, CancellationToken ct)
    {
        var module = ServiceLoader.Load(args.File, diags);
        if (module is null || diags.HasErrors)
        {
            return 1;
        }

        // A pipe has one handler; running it needs no --handler.
        var pipe = PipeSupport.IsPipe(module);
        if (pipe && args.Handler is null && args.Workload is null)
        {
            args = args with { Handler = PipeImporter.HandlerName };
        }

        if ((args.Handler is null) == (args.Workload is null))
        {
            diags.Add(Diag.RunNeedsOneMode(both: args.Handler is not null));
            return ExitCodes.Usage;
        }

        if (args.Requests <= 0)
        {
            diags.Add(Diag.RunBadRequests(args.Requests));
            return 1;
        }

        if (args.TimeLimitSeconds is { } limit && !(limit >= 0 && limit <= TimeSpan.MaxValue.TotalSeconds / 2))
        {
            diags.Add(Diag.RunBadTimeLimit(limit));
            return 1;
        }

        await using var setup = await RunSetup.CreateAsync(module, args, diags, ct);
        if (setup is null)
        {
            return 1;
        }

        var engine = setup.Engine;
        return args.Handler is not null
            ? await RunOneAsync(engine, args, output, diags, json, ct)
            : await RunWorkloadAsync(engine, args, output, interactive, diags, json, ct);
    }

    private static async Task<int> RunOneAsync(ServiceEngine engine, RunArgs args, TextWriter output, DiagnosticBag diags, JsonResult json, CancellationToken ct)
    {
        var graph = engine.Module.FindGraph(args.Handler!);
        if (graph is null)
        {
            diags.Add(Diag.UnknownHandler(args.File, args.Handler!));
            return 1;
        }

        if (graph.Internal && !args.AllowInternal)
        {
            diags.Add(Diag.RunInternalHandler(graph.Name));
            return 1;
        }

        var fields = RequestInputs.Read(engine.Module, graph, args.Inputs, diags);
        if (diags.HasErrors)
        {
            return 1;
        }

        BackgroundTraceWriter? trace = args.Trace is null ? null : OpenTrace(engine, args);
        var r = await engine.RunAsync(graph.Name, Value.Record(fields), new RequestInfo(1, 1, 0), ct);
        if (r.Recorded is not null)
        {
            trace!.Record(r.Recorded);
        }

        trace?.Dispose();
        if (!r.Succeeded)
        {
            diags.Add(Diag.RequestFailed(args.File, graph.Name, r.Error!));
            return 1;
        }

        var value = ValueJson.Serialize(r.Value!, indented: true);
        if (graph.ReturnType == HttpResult.TypeName)
        {
            try
            {
                output.WriteLine(HttpResult.Read(r.Value!).Format());
            }
            catch (FlimpRuntimeException e)
            {
                diags.Add(Diag.RequestFailed(args.File, graph.Name, e.Message));
                return 1;
            }
        }
        else
        {
            output.WriteLine(value);
        }

        json.Body = w =>
        {
            w.WriteString("handler", graph.Name);
            w.WritePropertyName("result");
            w.WriteRawValue(value);
        };
        return 0;
    }

    private static BackgroundTraceWriter OpenTrace(ServiceEngine engine, RunArgs args)
    {
        return BackgroundTraceWriter.Open(args.Trace!, engine.TraceHeader, binary: args.TraceFormat != "text");
    }

    private static async Task<int> RunWorkloadAsync(ServiceEngine engine, RunArgs args, TextWriter output, bool interactive, DiagnosticBag diags, JsonResult json, CancellationToken ct)
    {
        var workload = WorkloadJson.Read(args.Workload!, engine.Module, diags);
        if (workload is null)
        {
            return 1;
        }

        using var trace = args.Trace is null ? null : OpenTrace(engine, args);
        RunReport report;
        try
        {
            report = await RunWorkloadCoreAsync(engine, workload, trace, args, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopped by a signal: close the trace so it holds every request that finished, and say so.
            trace?.Dispose();
            diags.Add(Diag.RunInterrupted(args.File, args.Trace, trace?.Written ?? 0));
            return 1;
        }

        trace?.Dispose();
        LatencyTable.Write(report, args.Clock, args.Trace, output, interactive);
        json.Body = w => LatencyTable.WriteJson(w, report, args.Clock, args.Trace);
        return 0;
    }

    private static async Task<RunReport> RunWorkloadCoreAsync(ServiceEngine engine, Workload workload, BackgroundTraceWriter? trace, RunArgs args, CancellationToken ct)
    {
        RunReport report;
        if (StatusConsole.Shows(args.Format == OutputFormat.Text))
        {
            report = await StatusConsole.Error.Progress().StartAsync(async ctx =>
            {
                var task = ctx.AddTask($"{engine.Module.Service}: {args.Requests:N0} requests", maxValue: args.Requests);
                var runner = new WorkloadRunner(engine, workload, trace) { Seed = args.Seed ?? workload.Seed, Progress = n => task.Value = n };
                return await runner.RunAsync(args.Requests, ct);
            });
        }
        else
        {
            report = await new WorkloadRunner(engine, workload, trace) { Seed = args.Seed ?? workload.Seed }.RunAsync(args.Requests, ct);
        }

        return report;
    }
}
