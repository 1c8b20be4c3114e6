using System.Reflection;
using Fluxo.TestSupport;

namespace Fluxo.Tool.Tests;

/// <summary>`fluxo` as a .NET tool: the package this build makes installs and runs, as the README tells a new user.</summary>
public sealed class ToolPackageTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fluxo-tool-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    [Fact]
    public void The_packed_tool_installs_into_a_tool_path_and_reports_the_build_version()
    {
        var feed = Path.Combine(_dir, "feed");
        var tools = Path.Combine(_dir, "tools");
        var minute = TimeSpan.FromMinutes(5);

        // The CLI is already built (the test references it), so packing only collects its outputs.
        var (code, output, error) = Processes.Run("dotnet", ["pack", Path.Combine("src", "Fluxo.Cli"), "-c", Configuration, "--no-build", "-o", feed], RepoPaths.Root, minute);
        Assert.True(code == 0, output + error);
        var package = Assert.Single(Directory.GetFiles(feed, "Fluxo.Tool.*.nupkg"));

        (code, output, error) = Processes.Run("dotnet", ["tool", "install", "Fluxo.Tool", "--tool-path", tools, "--add-source", feed, "--ignore-failed-sources"], _dir, minute);
        Assert.True(code == 0, output + error);

        var fluxo = Path.Combine(tools, OperatingSystem.IsWindows() ? "fluxo.exe" : "fluxo");
        (code, output, error) = Processes.Run(fluxo, ["--version"], _dir, minute);
        Assert.True(code == 0, error);
        var built = typeof(Fluxo.Cli.Program).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;
        Assert.Equal(built, output.Trim());
        Assert.Contains(built.Split('+')[0], Path.GetFileName(package), StringComparison.Ordinal);

        // The installed tool does real work, not only print its version.
        (code, output, error) = Processes.Run(fluxo, ["check", Path.Combine(RepoPaths.Samples, "weather", "weather.flimp")], _dir, minute);
        Assert.True(code == 0, output + error);

        // The package carries ScottPlot's native SkiaSharp library: the installed tool draws a report.
        var weather = Path.Combine(RepoPaths.Samples, "weather");
        (code, output, error) = Processes.Run(fluxo, ["run", Path.Combine(weather, "weather.flimp"), "-w", Path.Combine(weather, "workload-hot-ips.json"), "-n", "300", "--trace", "t.log"], _dir, minute);
        Assert.True(code == 0, output + error);
        (code, output, error) = Processes.Run(fluxo, ["report", Path.Combine(weather, "weather.flimp"), "--trace", "t.log", "--budget", "4KB", "-o", "report"], _dir, minute);
        Assert.True(code == 0, output + error);
        Assert.Contains("<svg", File.ReadAllText(Path.Combine(_dir, "report", "latency-cdf.svg")), StringComparison.Ordinal);
    }
}
