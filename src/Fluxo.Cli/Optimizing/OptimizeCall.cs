using System.CommandLine;
using Fluxo.Cli.Shared;
using Fluxo.Diagnostics;
using Fluxo.Frontends;
using Fluxo.Ir;
using Fluxo.Optimizer;
using Fluxo.Optimizer.Replay;
using Fluxo.Optimizer.Search;
using Spectre.Console;

namespace Fluxo.Cli.Optimizing;

/// <summary>
/// The options `fluxo optimize` and `fluxo report` share and the one optimizer call behind both, so the report's
/// numbers are the optimizer's by construction.
/// </summary>
internal static class OptimizeCall
{
    public sealed record Inputs(
        string File, string Trace, string Budget, SearchMethod Search = SearchMethod.Mrc, string? Handler = null, Objective Objective = Objective.Mean,
        int PaperN = 20_000, int PaperK = 200, bool Progress = false, string? Staleness = null, double Sample = 1.0, double HoldOut = ServiceOptimizer.DefaultHoldOut, bool HotKeys = true,
        bool KeepLatencies = false);

    /// <summary>What the call answers: the optimizer's report and the request it was given, with the module; all null after errors.</summary>
    public sealed record Answer(IrModule? Module, OptimizeRequest? Request, OptimizeReport? Report);

    public sealed class Options
    {
        public Argument<FileInfo> File { get; } = new("file") { Description = "The service: a .flimp source or an .ir.json file." };

        public Option<string[]> Trace { get; } = new("--trace", "-t")
        {
            Description = "The trace recorded by 'fluxo run --trace' or pulled by 'fluxo traces pull' (text or binary); several files, or a folder of them, are read as one trace.",
            Required = true,
            AllowMultipleArgumentsPerToken = true,
        };

        public Option<string> Budget { get; } = new("--budget", "-b") { Description = "Total cache budget B: 64MB, 512KB, 1000B.", Required = true };

        public Option<SearchMethod> Search { get; } = CliOptions.Choice("--search", "mrc (hit-ratio curves, fast), paper (random policies + hill-climbing), exhaustive (small graphs).", SearchMethod.Mrc);

        public Option<string?> Handler { get; } = CliOptions.Handler("Optimize this handler alone (default: every handler in the trace under one budget).");

        public Option<Objective> Objective { get; } = CliOptions.Choice("--objective", "What to minimise over the requests: mean (default), p50, p95 or p99.", Fluxo.Optimizer.Replay.Objective.Mean);

        public Option<int> PaperN { get; } = new("--paper-n") { Description = "Random policies scored by the paper's search.", DefaultValueFactory = _ => 20_000 };

        public Option<int> PaperK { get; } = new("--paper-k") { Description = "Best random policies the paper's search hill-climbs from.", DefaultValueFactory = _ => 200 };

        public Option<bool> Progress { get; } = new("--progress") { Description = "Show a progress bar on stderr even when it is not a terminal." };

        public Option<double> HoldOut { get; } = new("--hold-out") { Description = "Share of the trace, at its end, kept out of the search and used to check the policy's gain (0 to search the whole trace).", DefaultValueFactory = _ => ServiceOptimizer.DefaultHoldOut };

        public Option<string?> Staleness { get; } = new("--staleness") { Description = "How stale a pre-computed or cached feed or table read may be (60s, 5m; caps an extern's fresh bound); without it only deterministic parts and externs declared fresh are reused." };

        public Option<double> Sample { get; } = new("--sample") { Description = "Keep this fraction of the trace's key space (spatial sampling, e.g. 0.01) for traces too big to replay whole; cache sizes scale with it.", DefaultValueFactory = _ => 1.0 };

        public Option<bool> HotKeys { get; } = new("--hot-keys")
        {
            Description = "Let a cache whose key is request fields alone become a part that stores the trace's hottest keys, refreshed off the request path, when that lowers the objective (on by default; --hot-keys false keeps every such cache an LRU).",
            DefaultValueFactory = _ => true,
        };

        public void AddTo(Command command)
        {
            command.Add(File);
            foreach (var option in new Option[] { Trace, Budget, Search, Handler, Objective, PaperN, PaperK, Progress, Staleness, Sample, HoldOut, HotKeys })
            {
                command.Add(option);
            }
        }

        public Inputs Read(ParseResult parse) => new(
            parse.GetRequiredValue(File).ToString(), string.Join(TraceInputs.Separator, parse.GetRequiredValue(Trace)), parse.GetRequiredValue(Budget),
            parse.GetValue(Search), parse.GetValue(Handler), parse.GetValue(Objective), parse.GetValue(PaperN), parse.GetValue(PaperK),
            StatusConsole.Shows(true, parse.GetValue(Progress)), parse.GetValue(Staleness), parse.GetValue(Sample), parse.GetValue(HoldOut), parse.GetValue(HotKeys));
    }

    /// <summary>
    /// Checks the inputs, reads the service and the trace and runs <see cref="ServiceOptimizer.Optimize"/> once;
    /// <paramref name="more"/> checks the caller's own options, after the shared ones, before any work.
    /// </summary>
    public static Answer Run(Inputs args, DiagnosticBag diagnostics, Action? more = null)
    {
        using var traces = TraceInputs.Resolve(args.File, args.Trace, diagnostics);
        if (traces is null)
        {
            return new(null, null, null);
        }

        more?.Invoke();
        var budget = ByteSize.Parse(args.Budget, diagnostics);
        var staleness = Staleness.Parse(args.Staleness, diagnostics);
        if (!(args.Sample > 0 && args.Sample <= 1))
        {
            diagnostics.Add(Diag.SampleRateInvalid(traces.Path, args.Sample));
        }

        var module = budget is null || diagnostics.HasErrors ? null : ServiceLoader.Load(args.File, diagnostics);
        var request = new OptimizeRequest(
            args.File, traces.Path, budget ?? 0, args.Search, args.Handler, args.Objective, new PaperSearch.Options(args.PaperN, args.PaperK), staleness, args.HoldOut, args.Sample, args.HotKeys, args.KeepLatencies);
        if (args.HoldOut is < 0 or >= 1 || double.IsNaN(args.HoldOut))
        {
            diagnostics.Add(Diag.BadHoldOut(args.HoldOut));
        }

        var report = module is null || diagnostics.HasErrors || args.PaperN < 0 || args.PaperK < 1
            ? null
            : WithProgress(args.Progress, progress => ServiceOptimizer.Optimize(module, request, diagnostics, progress));
        return report is null || diagnostics.HasErrors ? new(module, request, null) : new(module, request, report);
    }

    /// <summary>Runs <paramref name="work"/> with a live progress bar on stderr when <paramref name="show"/>.</summary>
    public static T? WithProgress<T>(bool show, Func<SearchProgress?, T?> work)
        where T : class
    {
        if (!show)
        {
            return work(null);
        }

        T? result = null;
        StatusConsole.Error.Progress().AutoClear(true).Start(ctx =>
        {
            var tasks = new Dictionary<string, ProgressTask>();
            result = work((stage, fraction) =>
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
