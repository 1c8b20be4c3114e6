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
        ("Azure.Identity", "1.21.0"),
        ("Microsoft.Extensions.Azure", "1.14.1"),
        ("Microsoft.Extensions.Http.Resilience", "10.11.0"),
        ("OpenTelemetry.Extensions.Hosting", "1.20.1"),
        ("OpenTelemetry.Exporter.OpenTelemetryProtocol", "1.20.1"),
        ("OpenTelemetry.Instrumentation.AspNetCore", "1.20.2"),
        ("OpenTelemetry.Instrumentation.Http", "1.20.2"),
        ("Azure.Monitor.OpenTelemetry.Exporter", "1.10.0"),
    ];

    /// <summary>Only in a service made from a Yahoo pipe: what the shipped module source reads HTML with.</summary>
    public static readonly IReadOnlyList<(string Id, string Version)> Pipes =
    [
        ("HtmlAgilityPack", "1.13.0"),
    ];
}
