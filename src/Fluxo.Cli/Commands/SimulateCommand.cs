using System.CommandLine;
using Fluxo.Cli.Optimizing;
using Fluxo.Cli.Shared;
using Fluxo.Diagnostics;
using Fluxo.Optimizer;
using Fluxo.Optimizer.Replay;
using Fluxo.Policy;

namespace Fluxo.Cli.Commands;

/// <summary>`fluxo simulate FILE --trace T --policy P`: predict the latencies a policy would give on a trace.</summary>
internal static class SimulateCommand
{
    public sealed record Arguments(string File, string Trace, string Policy, string? Handler, OutputFormat Format = OutputFormat.Text);

    public static Command Create()
    {
        var file = new Argument<FileInfo>("file") { Description = "The service: a .flimp source or an .ir.json file." };
        var trace = new Option<FileInfo>("--trace", "-t") { Description = "The trace recorded by 'fluxo run --trace'.", Required = true };
        var policy = new Option<FileInfo>("--policy", "-p") { Description = "The policy to score (written by 'fluxo optimize' or by hand; docs/policy-format.md).", Required = true };
        var handler = CliOptions.Handler("The handler to replay (default: every handler in the trace).");
        var format = CliOptions.Format(OutputFormat.Text, OutputFormat.Json);
        var cmd = new Command("simulate", "Replay a trace under a cache policy and print the predicted latencies (p50, p95, p99, mean) and each cache's hit ratio.")
        {
            file, trace, policy, handler, format,
        };
        cmd.SetAction(parse => Run(
            new Arguments(parse.GetRequiredValue(file).ToString(), parse.GetRequiredValue(trace).ToString(), parse.GetRequiredValue(policy).ToString(), parse.GetValue(handler), parse.GetValue(format)),
            parse.InvocationConfiguration.Output,
            parse.InvocationConfiguration.Error));
        return cmd;
    }

    public static int Run(Arguments args, TextWriter output, TextWriter error)
    {
        var diagnostics = new DiagnosticBag();
        var policy = PolicyJson.Read(args.Policy, diagnostics);
        var session = policy is null ? null : OptimizeCommand.Load(args.File, args.Trace, policy.BudgetBytes, args.Handler, Objective.Mean, diagnostics);
        var placement = session is not null && PolicyCheck.Validate(session.Module, policy!, args.Policy, diagnostics) ? session.FromPolicy(policy!, args.Policy, diagnostics) : null;
        if (session is null || placement is null || diagnostics.HasErrors)
        {
            DiagnosticPrinter.Print(diagnostics, error);
            if (args.Format == OutputFormat.Json)
            {
                JsonOutput.Write(output, "simulate", ExitCodes.Errors, diagnostics);
            }

            return ExitCodes.Errors;
        }

        var result = session.Simulator.Run(placement);
        var none = new ScoredPolicy("no cache", [], session.Simulator.Run(Array.Empty<CachePlacement>()));
        var ahead = policy!.Precompute.Length + policy.Speculate.Length == 0 ? null : AheadSimulation.Run(args.File, args.Trace, args.Policy, policy, diagnostics);
        DiagnosticPrinter.Print(diagnostics, error);
        if (diagnostics.HasErrors)
        {
            if (args.Format == OutputFormat.Json)
            {
                JsonOutput.Write(output, "simulate", ExitCodes.Errors, diagnostics);
            }

            return ExitCodes.Errors;
        }

        if (args.Format == OutputFormat.Json)
        {
            JsonOutput.Write(output, "simulate", ExitCodes.Ok, diagnostics, w =>
            {
                w.WriteString("handler", string.Join(",", session.Parts.Select(p => p.Graph.Name)));
                w.WriteString("policyFile", args.Policy);
                w.WriteNumber("requests", session.Simulator.Requests);
                PolicyReportJson.WritePolicies(w, Graphs(session), new ScoredPolicy("policy", placement, result), [none]);
                PolicyReportJson.WriteCaches(w, Graphs(session), placement, result);
                ahead?.WriteJson(w);
            });
            return ExitCodes.Ok;
        }

        output.WriteLine($"{session.Describe()} replayed under {args.Policy}");
        output.WriteLine();
        PolicyTable.Write(output, new ScoredPolicy("policy", placement, result), [none], Graphs(session));
        output.WriteLine();
        PolicyTable.WriteCaches(output, Graphs(session), placement, result);
        ahead?.WriteText(output);
        return ExitCodes.Ok;
    }

    private static Fluxo.Ir.Graph[] Graphs(OptimizationSession session) => [.. session.Parts.Select(p => p.Graph)];
}
