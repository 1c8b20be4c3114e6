using System.CommandLine;
using Fluxo.Cli.Samples;
using Fluxo.Cli.Shared;
using Fluxo.Diagnostics;
using Fluxo.Policy;

namespace Fluxo.Cli.Commands;

/// <summary>`fluxo samples-report samples/ [-o docs/samples.md] [-n 1500]`: the cache-savings table of every sample.</summary>
internal static class SamplesReportCommand
{
    /// <param name="Policies">Where each sample's policy is written as NAME.policy.json; by default a "policies" folder beside the Markdown.</param>
    public sealed record Arguments(string Dir, string? Output, int Requests, string? Policies = null);

    public const int DefaultRequests = 1500;

    public static Command Create()
    {
        var dir = new Argument<string>("dir") { Description = "The folder holding one folder per sample (<name>/<name>.flimp, bindings, workload-*.json)." };
        var output = CliOptions.Output("Write the Markdown here instead of standard output.");
        var requests = new Option<int>("--requests", "-n") { Description = "Workload requests per run.", DefaultValueFactory = _ => DefaultRequests };
        var policies = new Option<string?>("--policies") { Description = "Write each sample's policy here as NAME.policy.json (default: a 'policies' folder beside --out)." };
        var cmd = new Command("samples-report", "Run each sample's workload with tracing, optimize the whole service under one budget, run again with the policy, and write the savings table as Markdown and each policy.")
        {
            dir, output, requests, policies,
        };
        cmd.SetAction((parse, ct) => RunAsync(
            new Arguments(parse.GetRequiredValue(dir), parse.GetValue(output), parse.GetValue(requests), parse.GetValue(policies)),
            parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, ct));
        return cmd;
    }

    public static async Task<int> RunAsync(Arguments args, TextWriter output, TextWriter error, CancellationToken ct)
    {
        var diags = new DiagnosticBag();
        var samples = SampleFolder.Find(args.Dir);
        if (samples.Count == 0 || args.Requests <= 0)
        {
            diags.Add(args.Requests <= 0 ? Diag.RunBadRequests(args.Requests) : Diag.NoSamples(args.Dir));
            DiagnosticPrinter.Print(diags, error);
            return 1;
        }

        var scratch = Directory.CreateTempSubdirectory("fluxo-samples-");
        try
        {
            var results = new List<SampleSavings>();
            foreach (var sample in samples)
            {
                var one = new DiagnosticBag();
                var r = await SampleMeasurement.MeasureAsync(sample, args.Requests, scratch.FullName, one, ct);
                diags.AddRange(one.Items);
                if (r is null && !one.HasErrors)
                {
                    diags.Add(Diag.SampleRunFailed(sample.Service, "no result"));
                }

                if (r is not null)
                {
                    results.Add(r);
                }
            }

            if (diags.HasErrors)
            {
                DiagnosticPrinter.Print(diags, error);
                return 1;
            }

            var policyDir = args.Policies ?? (args.Output is null ? null : Path.Combine(Path.GetDirectoryName(Path.GetFullPath(args.Output))!, "policies"));
            foreach (var r in results)
            {
                if (policyDir is not null && !OutputFile.TryWrite(Path.Combine(policyDir, r.Sample.Name + ".policy.json"), PolicyJson.Serialize(r.Policy), output, diags))
                {
                    DiagnosticPrinter.Print(diags, error);
                    return 1;
                }
            }

            var command = $"fluxo samples-report {args.Dir}" + (args.Output is null ? "" : $" -o {args.Output}")
                + (args.Requests == DefaultRequests ? "" : $" -n {args.Requests}");
            var text = new StringWriter { NewLine = "\n" };
            SamplesMarkdown.Write(text, command, results);
            var path = args.Output ?? CliOptions.StandardOutput;
            if (!OutputFile.TryWrite(path, text.ToString(), output, diags))
            {
                DiagnosticPrinter.Print(diags, error);
                return 1;
            }

            if (path != CliOptions.StandardOutput)
            {
                error.WriteLine($"wrote {args.Output}: {results.Count} sample(s); policies in {Path.GetRelativePath(Directory.GetCurrentDirectory(), policyDir!)}");
            }

            DiagnosticPrinter.Print(diags, error);
            return 0;
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }
}
