namespace Fluxo.Backend.Azure;

/// <summary>Package versions the generated solution pins; kept equal to the repository's Directory.Packages.props (a test checks).</summary>
internal static class PackageVersions
{
    public static readonly IReadOnlyList<(string Id, string Version)> All =
    [
        ("Azure.Data.Tables", "12.13.0"),
        ("Azure.Storage.Blobs", "12.30.1"),
        ("Azure.Storage.Queues", "12.28.1"),
        ("StackExchange.Redis", "3.4.35"),
        ("System.IO.Hashing", "10.0.13"),
    ];
}
