using System.Reflection;

namespace Fluxo.Backend.Azure;

/// <summary>The source files shipped inside this assembly: Fluxo.Core's shared semantics and the support runtime.</summary>
internal static class EmbeddedSources
{
    private static readonly Assembly Self = typeof(EmbeddedSources).Assembly;

    /// <summary>Resource names under <paramref name="folder"/> ("Core/Values/", "Support/"), sorted.</summary>
    public static IEnumerable<string> Under(string folder) =>
        Self.GetManifestResourceNames().Where(n => n.StartsWith(folder, StringComparison.Ordinal)).Order(StringComparer.Ordinal);

    public static string Read(string name)
    {
        using var stream = Self.GetManifestResourceStream(name) ?? throw new InvalidOperationException("missing resource " + name);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Replace("\r\n", "\n", StringComparison.Ordinal);
    }
}
