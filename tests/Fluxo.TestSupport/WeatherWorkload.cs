namespace Fluxo.TestSupport;

/// <summary>
/// A skewed input mix for the Weather service in the paper's style: three classes of requests take
/// fixed shares (e.g. 31% / 4% / 65%). Zip requests name a zip code (Zipf over <see cref="Zips"/>);
/// hot-IP requests come from a small Zipf-distributed set of addresses; cold-IP requests from a large
/// uniform population whose cities still repeat (many addresses share a city).
/// </summary>
public sealed record WeatherWorkload(
    string Name,
    double ZipShare,
    double HotIpShare,
    double ColdIpShare,
    int Zips = 3000,
    double ZipSkew = 0.9,
    int HotIps = 400,
    double HotIpSkew = 1.0,
    int ColdIps = 200_000,
    int Cities = 600,
    double CitySkew = 0.8)
{
    /// <summary>The three workloads of the benchmark and the tests; shares follow the paper's 31/4/65 example, rotated.</summary>
    public static readonly IReadOnlyList<WeatherWorkload> Paper =
    [
        new("ip-cold", 0.31, 0.04, 0.65),
        new("zip-heavy", 0.65, 0.31, 0.04),
        new("ip-hot", 0.04, 0.65, 0.31),
    ];
}
