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
        int code;
        RunOutcome? outcome;
        try
        {
            (code, outcome) = await LocalRun.RunAsync(args, StatusConsole.Shows(args.Format == OutputFormat.Text) ? ShowProgress : null, diags, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            diags.Add(Diag.RunInterrupted(args.File, null, 0));
            (code, outcome) = (1, null);
        }

        foreach (var d in diags.Sorted())
        {
            error.WriteLine(d.Format());
        }

        code = diags.HasErrors && code == ExitCodes.Ok ? ExitCodes.Errors : code;
        if (args.Format == OutputFormat.Json)
        {
            JsonOutput.Write(output, "run", code, diags, outcome switch
            {
                OneAnswer a => (Action<Utf8JsonWriter>)(w =>
                {
                    w.WriteString("handler", a.Handler);
                    w.WritePropertyName("result");
                    w.WriteRawValue(a.Json);
                }),
                WorkloadDone d => w => LatencyTable.WriteJson(w, d.Report, args.Clock, args.Trace),
                _ => null,
            });
        }
        else if (outcome is OneAnswer a)
        {
            output.WriteLine(a.Text);
        }
        else if (outcome is WorkloadDone d)
        {
            LatencyTable.Write(d.Report, args.Clock, args.Trace, output, interactive);
        }

        return code;
    }

    private static Task<RunReport> ShowProgress(string label, int total, Func<Action<long>?, Task<RunReport>> run) =>
        StatusConsole.Error.Progress().StartAsync(ctx =>
        {
            var task = ctx.AddTask(label, maxValue: total);
            return run(n => task.Value = n);
        });
}
