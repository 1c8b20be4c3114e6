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
        var code = Program.BuildRoot().Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
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

    [Theory]
    [InlineData("counting.json")]
    [InlineData("feeds.json")]
    public void APipeIsRefusedAtItsModulesNeverEmittedHalfBuilt(string pipe)
    {
        var dir = Path.Combine(Directory.CreateTempSubdirectory("fluxo-cli-pipe-").FullName, "out");
        try
        {
            var (code, _, error) = Invoke("compile", Path.Combine(RepoPaths.Samples, "pipes", pipe), "-o", dir);
            Assert.Equal(1, code);
            Assert.Matches($@"{pipe}\(\d+,\d+\): error FLX4200: Yahoo Pipes module", error);
            Assert.False(Directory.Exists(dir), "nothing may be written when compile refuses");
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(dir)!, recursive: true);
        }
    }
}
