using System.CommandLine;
using Fluxo.TestSupport;

namespace Fluxo.Cli.Tests;

/// <summary>`fluxo compile` writes the Azure solution by default, and bad input is a diagnostic with exit code 1.</summary>
public class CompileAzureTests
{
    private static (int Code, string Output, string Error) Invoke(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = Program.Invoke(args, new InvocationConfiguration { Output = output, Error = error });
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public void WritesTheSolutionForTheWeatherSample()
    {
        var dir = Directory.CreateTempSubdirectory("fluxo-cli-azure-").FullName;
        try
        {
            var (code, output, error) = Invoke("compile", Path.Combine(RepoPaths.Samples, "weather", "weather.flimp"), "-o", dir);
            Assert.True(code == 0, error);
            Assert.Contains("wrote", output, StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(dir, "Weather.slnx")));
            Assert.True(File.Exists(Path.Combine(dir, "src", "Weather.Handlers", "Handler_weather.g.cs")));
            Assert.True(File.Exists(Path.Combine(dir, "src", "Weather.FrontEnd", "Dockerfile")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void AMissingPolicyIsADiagnostic()
    {
        var (code, _, error) = Invoke("compile", Path.Combine(RepoPaths.Samples, "weather", "weather.flimp"), "--policy", "/nonexistent/policy.json", "-o", Path.GetTempPath());
        Assert.Equal(1, code);
        Assert.Contains("FLX9001", error, StringComparison.Ordinal);
    }

    [Fact]
    public void APipeWhoseModuleServiceIsGoneIsRefusedAtThatModuleAndNothingIsWritten()
    {
        var dir = Path.Combine(Directory.CreateTempSubdirectory("fluxo-cli-pipe-").FullName, "out");
        try
        {
            var (code, _, error) = Invoke("compile", Path.Combine(RepoPaths.Samples, "pipes", "gone.json"), "-o", dir);
            Assert.Equal(1, code);
            Assert.Matches(@"gone\.json\(\d+,\d+\): error FLX4201: module '[^']+' \(\w+\) cannot be deployed to Azure", error);
            Assert.False(Directory.Exists(dir), "nothing may be written when compile refuses");
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(dir)!, recursive: true);
        }
    }

    [Fact]
    public void APipeCompilesIntoASolutionWithItsModulesAndSubPipes()
    {
        var dir = Path.Combine(Directory.CreateTempSubdirectory("fluxo-cli-pipe-").FullName, "out");
        try
        {
            var (code, output, error) = Invoke("compile", Path.Combine(RepoPaths.Samples, "pipes", "subpipes.json"), "-o", dir);
            Assert.True(code == 0, error);
            Assert.Contains("wrote", output, StringComparison.Ordinal);
            var handlers = Directory.GetFiles(dir, "Handler_*.g.cs", SearchOption.AllDirectories).Select(Path.GetFileName).ToList();
            Assert.Contains("Handler_run.g.cs", handlers);
            Assert.Contains(handlers, h => h!.StartsWith("Handler_subpipe_", StringComparison.Ordinal));
            Assert.True(File.Exists(Directory.GetFiles(dir, "PipeModules.cs", SearchOption.AllDirectories).Single()));

            // Sub-pipes are run by the modules that call them, not by an enqueue as a Flimp service's internal handlers.
            var readme = File.ReadAllText(Path.Combine(dir, "README.md"));
            Assert.Contains("(sub-pipe: no route, run by the modules that call it)", readme, StringComparison.Ordinal);
            Assert.DoesNotContain("only enqueue runs it", readme, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(dir)!, recursive: true);
        }
    }
}

/// <summary>`compile -o` writes only into a new, empty or previously generated folder, and removes what it no longer generates.</summary>
public sealed class CompileOutputFolderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fluxo-cli-out-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Sample(string name) => Path.Combine(RepoPaths.Samples, name, name + ".flimp");

    [Fact]
    public void AFolderWithOtherFilesIsRefusedAndLeftAlone()
    {
        var mine = Path.Combine(_dir, "notes.txt");
        File.WriteAllText(mine, "keep");
        var (code, _, error) = CliRunner.Run("compile", Sample("weather"), "-o", _dir);
        Assert.Equal(1, code);
        Assert.Contains("error FLX7003", error, StringComparison.Ordinal);
        Assert.Equal([mine], Directory.GetFileSystemEntries(_dir));
    }

    [Fact]
    public void ARecompileRemovesFilesItNoLongerGenerates()
    {
        var outDir = Path.Combine(_dir, "out");
        Assert.Equal(0, CliRunner.Run("compile", Sample("weather"), "-o", outDir).Exit);
        var weatherHandler = Path.Combine(outDir, "src", "Weather.Handlers", "Handler_weather.g.cs");
        Assert.True(File.Exists(weatherHandler));
        Assert.True(File.Exists(Path.Combine(outDir, ".fluxo-generated")));
        var (code, _, error) = CliRunner.Run("compile", Sample("tour"), "-o", outDir);
        Assert.True(code == 0, error);
        Assert.False(File.Exists(weatherHandler));
        Assert.False(Directory.Exists(Path.Combine(outDir, "src", "Weather.Handlers")));
        Assert.True(File.Exists(Path.Combine(outDir, "src", "Bookmarks.Handlers", "Handler_addMark.g.cs")));
    }

    [Fact]
    public void TheRootAndTheHomeFolderAreRefused()
    {
        foreach (var dir in new[] { "/", Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) })
        {
            var (code, _, error) = CliRunner.Run("compile", Sample("weather"), "-o", dir);
            Assert.Equal(1, code);
            Assert.Contains("error FLX7004", error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void AListedFileOutsideTheFolderIsNeverRemoved()
    {
        var outside = Path.Combine(_dir, "outside.txt");
        File.WriteAllText(outside, "keep");
        var outDir = Path.Combine(_dir, "out");
        Assert.Equal(0, CliRunner.Run("compile", Sample("weather"), "-o", outDir).Exit);
        File.AppendAllText(Path.Combine(outDir, ".fluxo-generated"), "../outside.txt\n" + outside + "\n");
        Assert.Equal(0, CliRunner.Run("compile", Sample("weather"), "-o", outDir).Exit);
        Assert.True(File.Exists(outside));
    }
}
