using System.CommandLine;
using Fluxo.Cli.Optimizing;
using Fluxo.Cli.Shared;
using Fluxo.Diagnostics;
using Fluxo.Reporting;

namespace Fluxo.Cli.Commands;

/// <summary>`fluxo report FILE --trace T --budget 8KB -o folder`: the optimizer's choice as a page of charts, SVG files and report.json.</summary>
internal static class ReportCommand
{
    public sealed record Arguments(OptimizeCall.Inputs Inputs, string Output);

    public static Command Create()
    {
        var shared = new OptimizeCall.Options();
        var output = CliOptions.Output("The folder to write index.html, the SVG charts and report.json into (default report).");
        var cmd = new Command(
            "report",
            "Optimize as 'fluxo optimize' does and draw the answer: latency distribution of the chosen policy, the references and no cache; each candidate's hit-ratio curve; mean latency from B/8 to 8B; the graph with the decisions marked. Writes a self-contained index.html, one SVG per figure and report.json.");
        shared.AddTo(cmd);
        cmd.Add(output);
        cmd.SetAction(parse => Run(new Arguments(shared.Read(parse), parse.GetValue(output) ?? "report"), parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error));
        return cmd;
    }

    public static int Run(Arguments args, TextWriter output, TextWriter error)
    {
        var diagnostics = new DiagnosticBag();
        // The report draws each decision row's latency distribution.
        var answer = OptimizeCall.Run(args.Inputs with { KeepLatencies = true }, diagnostics, () =>
        {
            if (args.Output == CliOptions.StandardOutput)
            {
                diagnostics.Add(Diag.OutputNotAFolder("report -o"));
            }
        });
        if (answer is not { Report: { } report, Request: { } request, Module: { } module })
        {
            DiagnosticPrinter.Print(diagnostics, error);
            return ExitCodes.Errors;
        }

        IReadOnlyList<ReportFile>? files = null;
        try
        {
            var data = OptimizeCall.WithProgress(args.Inputs.Progress, progress => ReportBuilder.Build(report, request, progress));
            files = HtmlReport.Files(data!, module);
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or BadImageFormatException)
        {
            diagnostics.Add(Diag.ChartsUnavailable(args.Output, e.GetBaseException().Message));
        }

        if (files is not null && !diagnostics.HasErrors)
        {
            foreach (var f in files)
            {
                if (!OutputFile.TryWrite(Path.Combine(args.Output, f.Name), f.Text, output, diagnostics))
                {
                    break;
                }
            }
        }

        DiagnosticPrinter.Print(diagnostics, error);
        if (files is null || diagnostics.HasErrors)
        {
            return ExitCodes.Errors;
        }

        error.WriteLine($"wrote {Path.Combine(args.Output, "index.html")} and {files.Count - 1} more file(s): {string.Join(", ", files.Select(f => f.Name).Where(n => n != "index.html"))}");
        return ExitCodes.Ok;
    }
}
