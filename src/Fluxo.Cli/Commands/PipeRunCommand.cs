using System.CommandLine;
using Fluxo.Diagnostics;
using Fluxo.Pipes;
using Fluxo.Pipes.Fetching;
using Fluxo.Values;

namespace Fluxo.Cli.Commands;

/// <summary>`fluxo run PIPE.json`: runs a Yahoo pipe and prints its items as a JSON array.</summary>
internal static class PipeRunCommand
{
    public sealed record Args(string Pipe, string? Fixtures, IReadOnlyList<string> Inputs, bool AllowPrivate);

    public static Command Create()
    {
        var pipe = new Argument<string>("pipe") { Description = "The pipe definition (Yahoo Pipes JSON)." };
        var fixtures = new Option<string?>("--fixtures") { Description = "Serve fetches from DIR/urls.tsv instead of the web." };
        var inputs = new Option<string[]>("--input", "-i") { Description = "A user input as name=value (repeatable)." };
        var allowPrivate = new Option<bool>("--allow-private") { Description = "Let fetches reach private and loopback addresses." };
        var cmd = new Command("run", "Run a Yahoo pipe and print its output items as JSON.") { pipe, fixtures, inputs, allowPrivate };
        cmd.SetAction((parse, ct) => RunAsync(
            new Args(parse.GetValue(pipe)!, parse.GetValue(fixtures), parse.GetValue(inputs) ?? [], parse.GetValue(allowPrivate)),
            parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, ct));
        return cmd;
    }

    public static async Task<int> RunAsync(Args args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var diags = new DiagnosticBag();
        var module = ServiceLoader.Load(args.Pipe, diags);
        var inputs = ParseInputs(args.Pipe, args.Inputs, diags);
        var fetcher = module is null || inputs is null ? null : OpenFetcher(args.Fixtures, args.AllowPrivate, diags);
        PipeResult? result = null;
        if (fetcher is not null)
        {
            try
            {
                result = await PipeRunner.RunAsync(module!, inputs!, PipeRunOptions.With(fetcher), diags, cancellationToken);
            }
            finally
            {
                (fetcher as IDisposable)?.Dispose();
            }
        }

        foreach (var d in diags.Sorted())
        {
            error.WriteLine(d.Format());
        }

        if (result is null)
        {
            return 1;
        }

        output.WriteLine(ValueJson.Serialize(result.Value.Value, indented: true));
        return 0;
    }

    internal static IFetcher? OpenFetcher(string? fixtures, bool allowPrivate, DiagnosticBag diags)
    {
        if (fixtures is null)
        {
            return new HttpFetcher(new FetchLimits(AllowPrivateAddresses: allowPrivate));
        }

        try
        {
            return FixtureFetcher.Load(fixtures);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            diags.Add(Diag.PipeFixturesUnreadable(fixtures, e.Message));
            return null;
        }
    }

    private static Dictionary<string, string>? ParseInputs(string file, IReadOnlyList<string> pairs, DiagnosticBag diags)
    {
        var inputs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in pairs)
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                diags.Add(Diag.PipeBadInputSyntax(file, pair));
                return null;
            }

            inputs[pair[..eq]] = pair[(eq + 1)..];
        }

        return inputs;
    }
}
