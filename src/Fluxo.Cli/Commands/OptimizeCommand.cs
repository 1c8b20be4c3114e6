using System.Globalization;
using System.CommandLine;
using Fluxo.Cli.Optimizing;
using Fluxo.Diagnostics;
using Fluxo.Frontends;
using Fluxo.Optimizer;
using Fluxo.Optimizer.Replay;
using Fluxo.Optimizer.Search;
using Fluxo.Policy;
using Fluxo.Trace;
using Spectre.Console;

namespace Fluxo.Cli.Commands;

/// <summary>`fluxo optimize FILE --trace T --budget 64MB [--search mrc|paper|exhaustive] [-o policy.json]`: choose caches from a trace.</summary>
internal static class OptimizeCommand
{
    public sealed record Arguments(
        string File, string Trace, string Budget, SearchMethod Search, string Output, string? Handler,
        Objective Objective, int PaperN, int PaperK, bool Progress, string? Staleness = null, double HoldOut = ServiceOptimizer.DefaultHoldOut);

    public static Command Create()
    {
        var file = new Argument<FileInfo>("file") { Description = "The service: a .flimp source or an .ir.json file." };
        var trace = new Option<string[]>("--trace", "-t")
        {
            Description = "The trace recorded by 'fluxo run --trace' or pulled by 'fluxo traces pull' (text or binary); several files, or a folder of them, are read as one trace.",
            Required = true,
            AllowMultipleArgumentsPerToken = true,
        };
        var budget = new Option<string>("--budget", "-b") { Description = "Total cache budget B: 64MB, 512KB, 1000B.", Required = true };
        var search = new Option<SearchMethod>("--search") { Description = "mrc (hit-ratio curves, fast), paper (random policies + hill-climbing), exhaustive (small graphs).", DefaultValueFactory = _ => SearchMethod.Mrc };
        var output = new Option<string>("--out", "-o") { Description = "Where to write the policy.", DefaultValueFactory = _ => "policy.json" };
        var handler = new Option<string?>("--handler") { Description = "Optimize this handler alone (default: every handler in the trace under one budget)." };
        var objective = new Option<Objective>("--objective") { Description = "What to minimise over the requests: mean (default), p50, p95 or p99.", DefaultValueFactory = _ => Objective.Mean };
        var paperN = new Option<int>("--paper-n") { Description = "Random policies scored by the paper's search.", DefaultValueFactory = _ => 20_000 };
        var paperK = new Option<int>("--paper-k") { Description = "Best random policies the paper's search hill-climbs from.", DefaultValueFactory = _ => 200 };
        var progress = new Option<bool>("--progress") { Description = "Show a progress bar even when output is not a terminal." };
        var holdOut = new Option<double>("--hold-out") { Description = "Share of the trace, at its end, kept out of the search and used to check the policy's gain (0 to search the whole trace).", DefaultValueFactory = _ => ServiceOptimizer.DefaultHoldOut };
        var staleness = new Option<string?>("--staleness") { Description = "How stale a pre-computed feed or table read may be (60s, 5m); without it only deterministic parts are pre-computed." };
        var cmd = new Command("optimize", "Choose which subgraphs to cache and how to split the budget, by replaying a trace; compare with the Random, Uniform and All-encompassing policies; write policy.json.")
        {
            file, trace, budget, search, output, handler, objective, paperN, paperK, progress, staleness, holdOut,
        };
        cmd.SetAction(parse => Run(
            new Arguments(
                parse.GetRequiredValue(file).ToString(), string.Join(TraceInputs.Separator, parse.GetRequiredValue(trace)), parse.GetRequiredValue(budget),
                parse.GetValue(search), parse.GetValue(output)!, parse.GetValue(handler), parse.GetValue(objective),
                parse.GetValue(paperN), parse.GetValue(paperK), parse.GetValue(progress) || !Console.IsOutputRedirected, parse.GetValue(staleness), parse.GetValue(holdOut)),
            parse.InvocationConfiguration.Output,
            parse.InvocationConfiguration.Error));
        return cmd;
    }

    public static int Run(Arguments args, TextWriter output, TextWriter error)
    {
        var diagnostics = new DiagnosticBag();
        using var traces = TraceInputs.Resolve(args.File, args.Trace, diagnostics);
        if (traces is null)
        {
            DiagnosticPrinter.Print(diagnostics, error);
            return 1;
        }

        args = args with { Trace = traces.Path };
        var budget = ByteSize.Parse(args.Budget, diagnostics);
        var staleness = Staleness.Parse(args.Staleness, diagnostics);
        var module = budget is null || diagnostics.HasErrors ? null : ServiceLoader.Load(args.File, diagnostics);
        var request = new OptimizeRequest(args.File, args.Trace, budget ?? 0, args.Search, args.Handler, args.Objective, new PaperSearch.Options(args.PaperN, args.PaperK), staleness, args.HoldOut);
        if (args.HoldOut is < 0 or >= 1 || double.IsNaN(args.HoldOut))
        {
            diagnostics.Add(Diag.BadHoldOut(args.HoldOut));
        }

        var report = module is null || diagnostics.HasErrors || args.PaperN < 0 || args.PaperK < 1
            ? null
            : WithProgress(args.Progress, progress => ServiceOptimizer.Optimize(module, request, diagnostics, progress));
        if (report is null || diagnostics.HasErrors)
        {
            DiagnosticPrinter.Print(diagnostics, error);
            return 1;
        }

        var (session, found, policy) = (report.Session, report.Found, report.Policy);
        output.WriteLine($"{session.Describe()}: {session.Evaluator.Candidates.Count} of {session.AllCandidates.Count} candidate subgraphs keyed by the trace, one budget of {session.Budget} B");
        output.WriteLine($"search {args.Search.ToString().ToLowerInvariant()}: {found.Replays} exact replays in {found.Elapsed.TotalSeconds:F2} s, objective {args.Objective.ToString().ToLowerInvariant()}");
        output.WriteLine();
        PolicyTable.Write(output, report.Chosen, report.References);
        output.WriteLine();
        PolicyTable.WriteObjectives(output, args.Objective, session.BestForEachObjective(found, args.Search, new PaperSearch.Options(args.PaperN, args.PaperK)));
        output.WriteLine();
        PolicyTable.WriteCaches(output, [.. session.Parts.Select(p => p.Graph)], found.Placement, report.ChosenCaches);
        output.WriteLine();
        DecisionTable.Write(output, report.TraceRequests, report.Decisions, policy);
        if (report.HeldOut is { } h)
        {
            output.WriteLine();
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"held-out check: the policy gains {h.InSampleGain:+0.0;-0.0;0.0}% on the {h.Objective.ToString().ToLowerInvariant()} over the {h.InSampleRequests} requests it was chosen on (in-sample) and {h.HeldOutGain:+0.0;-0.0;0.0}% over the last {h.HeldOutRequests} requests (held out), {h.GapPoints:F1} points apart"));
        }
        if (!OutputFile.TryWrite(args.Output, PolicyJson.Serialize(policy), output, diagnostics))
        {
            DiagnosticPrinter.Print(diagnostics, error);
            return 1;
        }

        DiagnosticPrinter.Print(diagnostics, error);
        output.WriteLine($"wrote {args.Output}: {policy.Caches.Length} cache(s), {policy.Caches.Sum(c => c.Bytes)} of {policy.BudgetBytes} B ({report.ReservedBytes} B kept for pre-computed and speculated results), {policy.Precompute.Length} pre-computed part(s), {policy.Speculate.Length} speculation(s)");
        return 0;
    }

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

        var trace = TraceFile.Read(tracePath, module, diagnostics);
        return trace is null ? null : OptimizationSession.Create(module, trace, tracePath, budget, diagnostics, handler, objective: objective);
    }

    private static T? WithProgress<T>(bool show, Func<SearchProgress?, T?> search)
        where T : class
    {
        if (!show)
        {
            return search(null);
        }

        T? result = null;
        AnsiConsole.Progress().AutoClear(true).Start(ctx =>
        {
            var tasks = new Dictionary<string, ProgressTask>();
            result = search((stage, fraction) =>
            {
                if (!tasks.TryGetValue(stage, out var task))
                {
                    task = ctx.AddTask(stage, maxValue: 1);
                    tasks[stage] = task;
                }

                task.Value = fraction;
            });
        });
        return result;
    }
}
