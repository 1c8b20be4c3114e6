using System.CommandLine;
using Fluxo.Cli.Deployed;
using Fluxo.Cli.Shared;
using Fluxo.Diagnostics;
using Fluxo.Frontends;
using Fluxo.Runtime;
using Fluxo.Runtime.Workloads;

namespace Fluxo.Cli.Commands;

/// <summary>
/// `fluxo load URL --workload W.json --requests N --concurrency C [--output answers.jsonl]`: drive a running service
/// (the generated front end) over HTTP with a workload, open loop, and print latency percentiles and errors.
/// </summary>
internal static class LoadCommand
{
    public sealed record Arguments(string Url, string Workload, string? Service, int Requests, int Concurrency, string? Output, ulong? Seed);

    public static Command Create()
    {
        var url = new Argument<string>("url") { Description = "The service's base URL (loopback only), e.g. http://127.0.0.1:5000." };
        var workload = new Option<string>("--workload", "-w") { Description = "The workload to send (docs/workload-format.md).", Required = true };
        var service = new Option<string?>("--service") { Description = "The service the workload is for (default: the one .flimp or .ir.json beside the workload)." };
        var requests = new Option<int>("--requests", "-n") { Description = "How many requests to send.", DefaultValueFactory = _ => 1000 };
        var concurrency = new Option<int>("--concurrency", "-c") { Description = "Keep-alive connections, and requests in flight at most.", DefaultValueFactory = _ => 16 };
        var output = new Option<string?>("--output", "-o") { Description = "Write every answer here, one JSON object a line (answers.jsonl), ordered by client and step." };
        var seed = new Option<ulong?>("--seed") { Description = "Seed for sessions and inputs (default: the workload's)." };
        var cmd = new Command("load", "Drive a running service over HTTP with a workload (open loop, keep-alive) and print latency percentiles and errors.")
        {
            url, workload, service, requests, concurrency, output, seed,
        };
        cmd.SetAction((parse, ct) => RunAsync(
            new Arguments(parse.GetRequiredValue(url), parse.GetRequiredValue(workload), parse.GetValue(service), parse.GetValue(requests), parse.GetValue(concurrency), parse.GetValue(output), parse.GetValue(seed)),
            parse.InvocationConfiguration.Output,
            parse.InvocationConfiguration.Error,
            ct));
        return cmd;
    }

    public static async Task<int> RunAsync(Arguments args, TextWriter output, TextWriter error, CancellationToken ct)
    {
        var diags = new DiagnosticBag();
        if (!Uri.TryCreate(args.Url, UriKind.Absolute, out var baseUri) || baseUri.Scheme is not ("http" or "https") || !baseUri.IsLoopback)
        {
            diags.Add(Diag.LoadBadUrl(args.Url));
        }

        if (args.Requests <= 0 || args.Concurrency <= 0)
        {
            diags.Add(Diag.LoadBadCounts(args.Requests, args.Concurrency));
        }

        var servicePath = args.Service ?? Beside(args.Workload, diags);
        var module = servicePath is null || diags.HasErrors ? null : ServiceLoader.Load(servicePath, diags);
        var workload = module is null || diags.HasErrors ? null : WorkloadJson.Read(args.Workload, module, diags);
        if (workload is null || diags.HasErrors)
        {
            DiagnosticPrinter.Print(diags, error);
            return 1;
        }

        var load = await HttpLoad.RunAsync(baseUri!, workload, args.Requests, args.Concurrency, args.Seed, ct);
        LatencyTable.Write(load.Report, ClockMode.Real, null, output, interactive: false);
        foreach (var (what, n) in load.Failures)
        {
            output.WriteLine($"errors: {n} x {what}");
        }

        if (args.Output is not null)
        {
            var lines = load.Answers
                .Select(a => System.Text.Json.JsonSerializer.Serialize(new { client = a.Client, step = a.Step, handler = a.Handler, input = a.Input, status = a.Status, answer = a.Body }));
            if (!OutputFile.TryWrite(args.Output, string.Join("\n", lines) + "\n", output, diags))
            {
                DiagnosticPrinter.Print(diags, error);
                return 1;
            }

            output.WriteLine($"answers: {args.Output}");
        }

        return 0;
    }

    /// <summary>The service a workload sits beside (samples keep them together): the one .flimp, else the one .ir.json.</summary>
    private static string? Beside(string workload, DiagnosticBag diags)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(workload))!;
        var found = Directory.Exists(dir) ? Directory.GetFiles(dir, "*.flimp") : [];
        if (found.Length == 0 && Directory.Exists(dir))
        {
            found = Directory.GetFiles(dir, "*.ir.json");
        }

        if (found.Length == 1)
        {
            return found[0];
        }

        diags.Add(Diag.LoadNoService(workload));
        return null;
    }
}
