using System.CommandLine;

namespace Fluxo.Cli.Commands;

/// <summary>`fluxo formats`: the file formats this build reads and writes.</summary>
internal static class FormatsCommand
{
    public static Command Create()
    {
        var cmd = new Command("formats", "List the file formats (trace, policy) this build reads and writes.");
        cmd.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            output.WriteLine($"trace:  {Fluxo.Trace.TraceHeader.CurrentFormat}");
            output.WriteLine($"policy: {Fluxo.Policy.PolicyDocument.CurrentFormat}");
            return 0;
        });
        return cmd;
    }
}
