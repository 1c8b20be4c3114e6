using Fluxo.Policy;

namespace Fluxo.Backend.Azure.Tests;

/// <summary>The two generated solutions the end-to-end tests run, built once per test run (builds are slow).</summary>
public sealed class BuiltSolutions : IDisposable
{
    /// <summary>About four by-IP entries (~230 bytes each): a few dozen requests make the weather cache evict.</summary>
    public const long WeatherCacheBytes = 1000;

    private readonly Lazy<GeneratedSolution> _weather = new(() => new GeneratedSolution(Samples.Weather(), WeatherPolicy()));
    private readonly Lazy<GeneratedSolution> _counter = new(() => new GeneratedSolution(Samples.Counter(), null));

    public GeneratedSolution Weather => _weather.Value;
    public GeneratedSolution Counter => _counter.Value;

    public static PolicyDocument WeatherPolicy() => GoldenTests.WeatherPolicy(Samples.Weather(), WeatherCacheBytes);

    public void Dispose()
    {
        if (_weather.IsValueCreated)
        {
            _weather.Value.Dispose();
        }

        if (_counter.IsValueCreated)
        {
            _counter.Value.Dispose();
        }
    }
}

[CollectionDefinition("generated")]
public sealed class GeneratedCollection : ICollectionFixture<BuiltSolutions>;
