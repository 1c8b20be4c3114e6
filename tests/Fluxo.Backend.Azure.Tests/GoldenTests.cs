using Fluxo.Policy;
using Fluxo.TestSupport;

namespace Fluxo.Backend.Azure.Tests;

/// <summary>
/// The generated files of each sample against the baselines in Golden/&lt;sample&gt;/ (FLUXO_UPDATE_BASELINES=1 rewrites
/// them). Files copied verbatim (the shared semantics and the support runtime) are compared with their sources instead.
/// </summary>
public class GoldenTests
{
    public static TheoryData<string> SampleNames => ["weather", "weather-cached", "counter", "tour", "news-ahead"];

    public static (Fluxo.Ir.IrModule Module, PolicyDocument? Policy) Sample(string name) => name switch
    {
        "weather" => (Samples.Weather(), null),
        "weather-cached" => (Samples.Weather(), WeatherPolicy(Samples.Weather(), 4096)),
        "counter" => (Samples.Counter(), null),
        "tour" => (Samples.Tour(), null),
        "news-ahead" => (Samples.News(), BuiltSolutions.NewsPolicy(Samples.News())),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    /// <summary>One cache around ipToCity and cityToWeather (nodes 1-2), the by-IP branch.</summary>
    public static PolicyDocument WeatherPolicy(Fluxo.Ir.IrModule module, long bytes) =>
        PolicyDocument.Empty("Weather", bytes) with
        {
            Caches = [new CacheDecision("weather", module.Graphs[0].Hash, [1, 2], bytes, "lru", 0.5, 40)],
        };

    private static bool IsVerbatim(string path) => path.Contains("/Fluxo.Support/", StringComparison.Ordinal) && !path.EndsWith(".csproj", StringComparison.Ordinal);

    [Theory]
    [MemberData(nameof(SampleNames))]
    public void GeneratedFilesMatchBaselines(string sample)
    {
        var (module, policy) = Sample(sample);
        var files = AzureEmitter.Emit(module, policy).Where(f => !IsVerbatim(f.Path)).ToList();
        var dir = Path.Combine(RepoPaths.Root, "tests", "Fluxo.Backend.Azure.Tests", "Golden", sample);
        if (Environment.GetEnvironmentVariable("FLUXO_UPDATE_BASELINES") == "1")
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }

            foreach (var f in files)
            {
                var path = Path.Combine(dir, f.Path);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.WriteAllText(path, f.Text);
            }
        }

        var expected = Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(dir, p).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.Equal(expected, files.Select(f => f.Path).Order(StringComparer.Ordinal).ToList());
        foreach (var f in files)
        {
            Assert.Equal(File.ReadAllText(Path.Combine(dir, f.Path)), f.Text);
        }
    }

    [Fact]
    public void SharedSemanticsShipAsTheCoreSources()
    {
        var files = AzureEmitter.Emit(Samples.Weather(), null);
        foreach (var (core, name) in new[] { ("Values", "Value.cs"), ("Values", "ValueKind.cs"), ("Values", "ValueJson.cs"), ("Values", "Operators.cs"), ("Builtins", "BuiltinCatalog.cs"), ("Builtins", "BuiltinContext.cs") })
        {
            var shipped = files.Single(f => f.Path == "src/Fluxo.Support/Semantics/" + name);
            Assert.Equal(File.ReadAllText(Path.Combine(RepoPaths.Root, "src", "Fluxo.Core", core, name)), shipped.Text);
        }

        var support = files.Where(f => f.Path.StartsWith("src/Fluxo.Support/", StringComparison.Ordinal) && !f.Path.Contains("/Semantics/", StringComparison.Ordinal) && f.Path.EndsWith(".cs", StringComparison.Ordinal));
        foreach (var f in support)
        {
            Assert.Equal(File.ReadAllText(Path.Combine(RepoPaths.Root, "src", "Fluxo.Backend.Azure", "Templates", "Support", Path.GetFileName(f.Path))), f.Text);
        }
    }

    [Fact]
    public void PinnedPackagesMatchTheRepository()
    {
        var props = File.ReadAllText(Path.Combine(RepoPaths.Root, "Directory.Packages.props"));
        foreach (var (id, version) in PackageVersions.All)
        {
            Assert.Contains($"<PackageVersion Include=\"{id}\" Version=\"{version}\" />", props, StringComparison.Ordinal);
        }
    }
}
