using System.Globalization;
using System.CommandLine;
using Fluxo.Cli.Optimizing;
using Fluxo.Cli.Shared;
using Fluxo.Diagnostics;
using Fluxo.Frontends;
using Fluxo.Optimizer;
using Fluxo.Optimizer.Ahead;
using Fluxo.Optimizer.Replay;
using Fluxo.Optimizer.Search;
using Fluxo.Policy;
using Fluxo.Trace;
using Spectre.Console;

namespace Fluxo.Cli.Commands;

/// <summary>`fluxo optimize FILE --trace T --budget 64MB [--search mrc|paper|exhaustive] [-o policy.json]`: choose caches from a trace.</summary>
internal static class OptimizeCommand
{
    public sealed record Arguments(OptimizeCall.Inputs Inputs, string Output, OutputFormat Format = OutputFormat.Text, string? Baseline = null, string? MaxRegression = null);

    public static Command Create()
    {
        var shared = new OptimizeCall.Options();
        var output = CliOptions.Output("Where to write the policy (default policy.json); with '-' the report goes to stderr.");
        var format = CliOptions.Format(OutputFormat.Text, OutputFormat.Json);
        var baseline = new Option<string?>("--baseline") { Description = "A policy written earlier: replay it on this trace and compare it with the new choice (CI gate)." };
        var maxRegression = new Option<string?>("--max-regression") { Description = "With --baseline: exit 3 when the baseline is worse than the new choice by more than this percentage (5%)." };
        var cmd = new Command("optimize", "Choose which subgraphs to cache and how to split the budget, by replaying a trace; compare with the Random, Uniform and All-encompassing policies; write policy.json.");
        shared.AddTo(cmd);
        cmd.Add(output);
        cmd.Add(format);
        cmd.Add(baseline);
        cmd.Add(maxRegression);
        cmd.SetAction(parse => Run(
            new Arguments(shared.Read(parse), parse.GetValue(output) ?? "policy.json", parse.GetValue(format), parse.GetValue(baseline), parse.GetValue(maxRegression)),
            parse.InvocationConfiguration.Output,
            parse.InvocationConfiguration.Error));
        return cmd;
    }

    public static int Run(Arguments args, TextWriter output, TextWriter error)
    {
        var diagnostics = new DiagnosticBag();
        var json = args.Format == OutputFormat.Json;
        var toStdout = args.Output == CliOptions.StandardOutput;
        var result = output;

        // The report is for people: when the policy itself goes to stdout, or JSON does, the text goes to stderr or nowhere.
        output = json ? TextWriter.Null : toStdout ? error : output;
        double? maxRegression = 0;
        var report = OptimizeCall.Run(args.Inputs, diagnostics, () => maxRegression = args.MaxRegression is null ? 0 : RegressionGate.ParsePercent(args.MaxRegression, diagnostics)).Report;
        if (report is null)
        {
            return Finish(args, result, error, diagnostics, ExitCodes.Errors, null, null, null);
        }

        var (session, found, policy) = (report.Session, report.Found, report.Policy);
        output.WriteLine($"{session.Describe()}: {session.Evaluator.Candidates.Count} of {session.AllCandidates.Count} candidate subgraphs keyed by the trace, one budget of {session.Budget} B");
        output.WriteLine($"search {args.Inputs.Search.ToString().ToLowerInvariant()}: {found.Replays} exact replays in {found.Elapsed.TotalSeconds:F2} s, objective {args.Inputs.Objective.ToString().ToLowerInvariant()}");
        output.WriteLine();
        PolicyTable.Write(output, report.Chosen, report.References, Graphs(session));
        output.WriteLine();
        PolicyTable.WriteObjectives(output, args.Inputs.Objective, session.BestForEachObjective(found, args.Inputs.Search, new PaperSearch.Options(args.Inputs.PaperN, args.Inputs.PaperK)));
        output.WriteLine();
        PolicyTable.WriteCaches(output, [.. session.Parts.Select(p => p.Graph)], report.WrittenCaches, report.ChosenCaches);
        output.WriteLine();
        DecisionTable.Write(output, report.TraceRequests, report.Decisions, policy);
        if (report.HeldOut is { } h)
        {
            output.WriteLine();
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"held-out check: the policy gains {h.InSampleGain:+0.0;-0.0;0.0}% on the {h.Objective.ToString().ToLowerInvariant()} over the {h.InSampleRequests} requests it was chosen on (in-sample) and {h.HeldOutGain:+0.0;-0.0;0.0}% over the last {h.HeldOutRequests} requests (held out), {h.GapPoints:F1} points apart"));
        }

        var gate = args.Baseline is null ? null : RegressionGate.Evaluate(report, args.Baseline, maxRegression ?? 0, args.Inputs.Objective, diagnostics);
        if (args.Baseline is not null && gate is null)
        {
            return Finish(args, result, error, diagnostics, ExitCodes.Errors, report, null, null);
        }

        gate?.WriteText(output);
        if (!(json && toStdout) && !OutputFile.TryWrite(args.Output, PolicyJson.Serialize(policy), result, diagnostics))
        {
            return Finish(args, result, error, diagnostics, ExitCodes.Errors, report, gate, null);
        }

        output.WriteLine($"wrote {args.Output}: {policy.Caches.Length} cache(s), {policy.Caches.Sum(c => c.Bytes)} of {policy.BudgetBytes} B ({report.ReservedBytes} B kept for pre-computed and speculated results), {policy.Precompute.Length} pre-computed part(s), {policy.Speculate.Length} speculation(s)");
        return Finish(args, result, error, diagnostics, gate is { Regressed: true } ? ExitCodes.Regression : ExitCodes.Ok, report, gate, policy);
    }

    /// <summary>Diagnostics on stderr and, for `--format json`, the one document on stdout; returns the exit code.</summary>
    private static int Finish(Arguments args, TextWriter stdout, TextWriter error, DiagnosticBag diagnostics, int code, OptimizeReport? report, RegressionGate? gate, PolicyDocument? policy)
    {
        DiagnosticPrinter.Print(diagnostics, error);
        if (args.Format == OutputFormat.Json)
        {
            JsonOutput.Write(stdout, "optimize", code, diagnostics, report is null ? null : w => OptimizeJson(w, args, report, gate, policy));
        }

        return code;
    }

    private static void OptimizeJson(System.Text.Json.Utf8JsonWriter w, Arguments args, OptimizeReport report, RegressionGate? gate, PolicyDocument? policy)
    {
        var session = report.Session;
        w.WriteString("handler", string.Join(",", session.Parts.Select(p => p.Graph.Name)));
        w.WriteNumber("requests", session.Simulator.Requests);
        w.WriteNumber("budgetBytes", report.Policy.BudgetBytes);
        w.WriteNumber("cacheBudgetBytes", session.Budget);
        w.WriteNumber("reservedBytes", report.ReservedBytes);
        w.WriteString("search", CliOptions.Name(args.Inputs.Search));
        w.WriteString("objective", CliOptions.Name(args.Inputs.Objective));
        w.WriteNumber("replays", report.Found.Replays);
        w.WriteNumber("candidates", session.Evaluator.Candidates.Count);
        PolicyReportJson.WritePolicies(w, Graphs(session), report.Chosen, report.References);
        PolicyReportJson.WriteCaches(w, Graphs(session), report.WrittenCaches, report.ChosenCaches);
        w.WriteNumber("precomputed", report.Policy.Precompute.Length);
        w.WriteNumber("speculated", report.Policy.Speculate.Length);
        gate?.WriteJson(w);
        if (policy is not null && args.Output == CliOptions.StandardOutput)
        {
            w.WritePropertyName("policy");
            w.WriteRawValue(PolicyJson.Serialize(policy));
        }
        else if (policy is not null)
        {
            w.WriteString("policyFile", args.Output);
        }
    }

    internal static Fluxo.Ir.Graph[] Graphs(OptimizationSession session) => [.. session.Parts.Select(p => p.Graph)];

    /// <summary>The program, its trace and the session over one handler, for commands that replay a given policy; null after diagnostics.</summary>
    internal static OptimizationSession? Load(string file, string tracePath, long budget, string? handler, Objective objective, DiagnosticBag diagnostics)
    {
        var module = ServiceLoader.Load(file, diagnostics);
        if (module is null || diagnostics.HasErrors)
        {
            return null;
        }

        if (handler is not null && module.FindGraph(handler) is null)
        {
            diagnostics.Add(Diag.NoSuchHandler(file, handler, string.Join(", ", module.Graphs.Select(g => g.Name))));
            return null;
        }

        var replay = ServiceReplay.Read(module, tracePath, diagnostics);
        return replay is null ? null : OptimizationSession.Create(module, replay, tracePath, budget, diagnostics, handler, objective);
    }
}
