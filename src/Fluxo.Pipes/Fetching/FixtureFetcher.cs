namespace Fluxo.Pipes.Fetching;

/// <summary>
/// Offline fetching from a directory of saved responses and its <c>urls.tsv</c> (URL, tab, file). URLs match
/// ignoring an http(s) scheme and a trailing slash, because Yahoo accepted "www.cnn.com" for "http://www.cnn.com".
/// Each fetch is charged <see cref="BaseLatencyMs"/> plus <see cref="MsPerKiB"/> per KiB on the virtual clock.
/// </summary>
public sealed class FixtureFetcher : IFetcher
{
    public const double BaseLatencyMs = 80;
    public const double MsPerKiB = 0.05;

    private readonly Dictionary<string, string> _files = new(StringComparer.Ordinal);

    public string Directory { get; }

    public string MapFile => Path.Combine(Directory, "urls.tsv");

    private FixtureFetcher(string directory) => Directory = directory;

    /// <summary>Reads the map; a missing directory or map is an <see cref="IOException"/> with a readable message.</summary>
    public static FixtureFetcher Load(string directory)
    {
        var fetcher = new FixtureFetcher(Path.GetFullPath(directory));
        if (!File.Exists(fetcher.MapFile))
        {
            throw new IOException($"'{fetcher.MapFile}' does not exist");
        }

        foreach (var line in File.ReadLines(fetcher.MapFile).Skip(1))
        {
            var cells = line.Split('\t');
            if (cells.Length >= 2 && cells[0].Length > 0)
            {
                fetcher._files[Normalize(cells[0])] = cells[1].Trim();
            }
        }

        return fetcher;
    }

    public static string Normalize(string url)
    {
        var u = url.Trim();
        foreach (var scheme in new[] { "http://", "https://" })
        {
            if (u.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
            {
                u = u[scheme.Length..];
            }
        }

        return u.TrimEnd('/');
    }

    /// <summary>
    /// Whether <paramref name="path"/> (full) lies under <paramref name="folder"/>, compared as whole path segments
    /// ("fixtures2" is not inside "fixtures") and after following symbolic links, which could lead anywhere.
    /// </summary>
    public static bool Inside(string folder, string path)
    {
        var root = Path.TrimEndingDirectorySeparator(Resolved(folder)) + Path.DirectorySeparatorChar;
        return Resolved(path).StartsWith(root, StringComparison.Ordinal);
    }

    private static string Resolved(string path)
    {
        var full = Path.GetFullPath(path);
        var parent = Path.GetDirectoryName(full);
        var resolved = parent is null ? full : Path.Combine(Resolved(parent), Path.GetFileName(full));
        var info = new FileInfo(resolved);
        return info.Exists || System.IO.Directory.Exists(resolved)
            ? (info.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? resolved)
            : resolved;
    }

    public async Task<FetchResult> FetchAsync(string url, CancellationToken cancellationToken)
    {
        if (!_files.TryGetValue(Normalize(url), out var file))
        {
            throw new FetchException(FetchFailure.Unmapped, url, $"no fixture in {MapFile}");
        }

        var path = Path.GetFullPath(Path.Combine(Directory, file));
        if (!Inside(Directory, path))
        {
            throw new FetchException(FetchFailure.Refused, url, $"fixture file '{file}' is outside the fixtures folder");
        }

        if (!File.Exists(path))
        {
            throw new FetchException(FetchFailure.Failed, url, $"fixture file '{file}' is missing");
        }

        var body = await File.ReadAllBytesAsync(path, cancellationToken);
        return new FetchResult(url, body, null, BaseLatencyMs + MsPerKiB * body.Length / 1024.0);
    }
}
