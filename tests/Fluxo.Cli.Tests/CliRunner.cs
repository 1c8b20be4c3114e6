using System.CommandLine;
using Fluxo.TestSupport;

namespace Fluxo.Cli.Tests;

/// <summary>Runs the real command tree in-process, from the repository root, capturing output and errors.</summary>
internal static class CliRunner
{
    public static (int Exit, string Out, string Err) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var previous = Environment.CurrentDirectory;
        lock (Gate)
        {
            Environment.CurrentDirectory = RepoPaths.Root;
            try
            {
                var exit = Program.Invoke(args, new InvocationConfiguration { Output = output, Error = error });
                return (exit, output.ToString(), error.ToString());
            }
            finally
            {
                Environment.CurrentDirectory = previous;
            }
        }
    }

    // The working directory is process-wide; tests that change it take turns.
    private static readonly object Gate = new();
}
