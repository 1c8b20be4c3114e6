using System.CommandLine;
using Fluxo.Cli.Shared;
using Fluxo.Diagnostics;
using Fluxo.Frontends;
using Fluxo.Policy;
using Fluxo.Reporting.Graphs;

namespace Fluxo.Cli.Commands;

/// <summary>`fluxo graph FILE --format dot|mermaid|json [--handler H] [--policy P]`: the dataflow graphs, with a policy's decisions marked.</summary>
internal static class GraphCommand
{
    public enum GraphFormat
    {
        Dot,
        Mermaid,
        Json,
    }

    public sealed record Arguments(string File, GraphFormat Format, string? Handler, string? Policy = null);

    public static Command Create()
    {
        var file = new Argument<FileInfo>("file") { Description = "The service: a .flimp source, an .ir.json file or a Yahoo pipe (.json)." };
        var format = CliOptions.Choice("--format", "dot (Graphviz: pipe into 'dot -Tsvg'), mermaid (paste into Markdown) or json (nodes and edges).", GraphFormat.Dot, null, "-f");
        var handler = CliOptions.Handler("Show only this handler's graph (default: every handler).");
        var policy = new Option<string?>("--policy", "-p") { Description = "Mark a policy's decisions (policy.json from fluxo optimize): cached nodes filled in their cache's colour, pre-computed and speculated ones outlined; json adds cache, precomputed and speculated to each node." };
        var cmd = new Command(
            "graph",
            "Print each handler's dataflow graph. Every node shows its kind, target and properties: det/nondet, pure/effects, input/const (depends on the request or not), cacheable, guarded, tables read and written.")
        {
            file, format, handler, policy,
        };
        cmd.SetAction(parse => Run(
            new Arguments(parse.GetRequiredValue(file).ToString(), parse.GetValue(format), parse.GetValue(handler), parse.GetValue(policy)),
            parse.InvocationConfiguration.Output,
            parse.InvocationConfiguration.Error));
        return cmd;
    }

    public static int Run(Arguments args, TextWriter output, TextWriter error)
    {
        var diagnostics = new DiagnosticBag();
        var module = ServiceLoader.Load(args.File, diagnostics);
        if (module is null || diagnostics.HasErrors)
        {
            DiagnosticPrinter.Print(diagnostics, error);
            return 1;
        }

        var graphs = module.Graphs.Where(g => args.Handler is null || g.Name == args.Handler).ToList();
        if (graphs.Count == 0 && args.Handler is not null)
        {
            diagnostics.Add(Diag.NoSuchHandler(args.File, args.Handler, string.Join(", ", module.Graphs.Select(g => g.Name))));
            DiagnosticPrinter.Print(diagnostics, error);
            return 1;
        }

        // A stale or damaged policy is refused rather than drawn onto the wrong nodes.
        var marks = args.Policy is null ? null : PolicyJson.ReadFor(module, args.Policy, allowStale: false, diagnostics) is { } p ? new PolicyMarks(p) : null;
        DiagnosticPrinter.Print(diagnostics, error);
        if (args.Policy is not null && (marks is null || diagnostics.HasErrors))
        {
            return 1;
        }

        output.Write(args.Format switch
        {
            GraphFormat.Mermaid => GraphWriters.Mermaid(graphs, marks),
            GraphFormat.Json => GraphWriters.Json(graphs, marks),
            _ => GraphWriters.Dot(graphs, marks),
        });
        return 0;
    }
}
