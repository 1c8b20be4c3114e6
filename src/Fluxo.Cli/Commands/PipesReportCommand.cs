using System.CommandLine;
using Fluxo.Diagnostics;
using Fluxo.Pipes;

namespace Fluxo.Cli.Commands;

/// <summary>`fluxo pipes-report DIR`: imports (and with fixtures, runs) every pipe and lists its pre-computable nodes.</summary>
internal static class PipesReportCommand
{
    public sealed record Args(string Directory, string? Fixtures);

    public static Command Create()
    {
        var dir = new Argument<string>("dir") { Description = "A directory of pipe definitions (*.json)." };
        var fixtures = new Option<string?>("--fixtures") { Description = "Run each pipe offline against DIR/urls.tsv." };
        var cmd = new Command("pipes-report", "For every pipe: imported, ran (or why not), item count, pre-computable nodes; with totals.") { dir, fixtures };
        cmd.SetAction((parse, ct) => RunAsync(new Args(parse.GetValue(dir)!, parse.GetValue(fixtures)), parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, ct));
        return cmd;
    }

    public static async Task<int> RunAsync(Args args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(args.Directory))
        {
            error.WriteLine(Diag.FileNotFound(args.Directory).Format());
            return 1;
        }

        var diags = new DiagnosticBag();
        PipeRunOptions? run = null;
        if (args.Fixtures is not null)
        {
            var fetcher = Fluxo.Pipes.Fetching.Fetchers.Open(args.Fixtures, false, diags);
            if (fetcher is null)
            {
                foreach (var d in diags.Items)
                {
                    error.WriteLine(d.Format());
                }

                return 1;
            }

            run = PipeRunOptions.With(fetcher);
        }

        PipeReport.Write(await PipeReport.BuildAsync(args.Directory, run, cancellationToken), output);
        Optimizing.PrecomputeStudy.Write(Optimizing.PrecomputeStudy.Build(args.Directory), output);
        return 0;
    }
}
