using System.CommandLine;
using Fluxo.Cli.Graphs;
using Fluxo.Diagnostics;
using Fluxo.Frontends;

namespace Fluxo.Cli.Commands;

/// <summary>`fluxo graph FILE --format dot|mermaid|json [--handler H]`: the dataflow graphs, for people to look at.</summary>
internal static class GraphCommand
{
    public enum GraphFormat
    {
        Dot,
        Mermaid,
        Json,
    }

    public sealed record Arguments(string File, GraphFormat Format, string? Handler);

    public static Command Create()
    {
        var file = new Argument<FileInfo>("file") { Description = "The service: a .flimp source, an .ir.json file or a Yahoo pipe (.json)." };
        var format = CliOptions.Choice("--format", "dot (Graphviz: pipe into 'dot -Tsvg'), mermaid (paste into Markdown) or json (nodes and edges).", GraphFormat.Dot, null, "-f");
        var handler = CliOptions.Handler("Show only this handler's graph (default: every handler).");
        var cmd = new Command(
            "graph",
            "Print each handler's dataflow graph. Every node shows its kind, target and properties: det/nondet, pure/effects, input/const (depends on the request or not), cacheable, guarded, tables read and written.")
        {
            file, format, handler,
        };
        cmd.SetAction(parse => Run(
            new Arguments(parse.GetRequiredValue(file).ToString(), parse.GetValue(format), parse.GetValue(handler)),
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

        DiagnosticPrinter.Print(diagnostics, error);
        output.Write(args.Format switch
        {
            GraphFormat.Mermaid => GraphWriters.Mermaid(graphs),
            GraphFormat.Json => GraphWriters.Json(graphs),
            _ => GraphWriters.Dot(graphs),
        });
        return 0;
    }
}
