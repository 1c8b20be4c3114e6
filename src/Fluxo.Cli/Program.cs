using System.CommandLine;
using Fluxo.Cli.Commands;

namespace Fluxo.Cli;

public static class Program
{
    public static Task<int> Main(string[] args) => BuildRoot().Parse(args).InvokeAsync();

    /// <summary>The command tree; one file per command under Commands/.</summary>
    public static RootCommand BuildRoot() => new("Fluxo: a profile-driven optimizing compiler for Internet services.")
    {
        CheckCommand.Create(),
        GraphCommand.Create(),
        CompileCommand.Create(),
        VersionInfo.Create(),
        RunCommand.Create(),
        OptimizeCommand.Create(),
        SimulateCommand.Create(),
        SamplesReportCommand.Create(),
        PipesReportCommand.Create(),
        new Command("traces", "Work with recorded traces.") { TraceConvertCommand.Create() },
    };
}
