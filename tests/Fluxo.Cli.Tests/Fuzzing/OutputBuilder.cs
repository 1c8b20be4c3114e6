using System.Security.Cryptography;
using Fluxo.TestSupport;

namespace Fluxo.Cli.Tests.Fuzzing;

/// <summary>
/// Builds a sample of the solutions accepted fuzz inputs compile to, with <c>dotnet build</c>, beside the campaign:
/// while one build runs, further outputs are skipped, and an output identical to one already built is not built
/// again. Each solution is copied into a folder kept per project layout, writing only the files that changed, so
/// restores and unchanged projects are incremental and a build takes seconds rather than a minute.
/// </summary>
internal sealed class OutputBuilder(string folder, int max) : IDisposable
{
    // A first build restores and compiles everything; on a loaded 2-core machine that has taken over a minute.
    private static readonly TimeSpan BuildLimit = TimeSpan.FromMinutes(10);

    private readonly HashSet<string> _seen = [];
    private readonly List<string> _findings = [];
    private Task? _current;
    private int _started;

    public int Built { get; private set; }

    public int Failed { get; private set; }

    public IReadOnlyList<string> Findings => _findings;

    /// <summary>Offers a compiled output folder; <paramref name="keep"/> saves the input that produced it when its build fails.</summary>
    public void Offer(string output, Func<string> keep)
    {
        if (_started >= max || _current is { IsCompleted: false })
        {
            return;
        }

        var files = Directory.GetFiles(output, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(output, f)).Order(StringComparer.Ordinal).ToArray();
        if (!_seen.Add(ContentHash(output, files)))
        {
            return;
        }

        // The campaign deletes the output with the next input, so the build works from a copy.
        var staged = Path.Combine(folder, "staged");
        if (Directory.Exists(staged))
        {
            Directory.Delete(staged, recursive: true);
        }

        foreach (var f in files)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(staged, f))!);
            File.Copy(Path.Combine(output, f), Path.Combine(staged, f));
        }

        _started++;
        _current = Task.Run(() => Build(staged, files, keep));
    }

    /// <summary>Waits for the build in progress.</summary>
    public void Finish() => _current?.Wait();

    public void Dispose() => Finish();

    private void Build(string staged, string[] files, Func<string> keep)
    {
        // Solutions with the same projects share a folder, so packages are restored once per layout.
        var layout = Convert.ToHexString(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(string.Join('\n', files.Where(f => f.EndsWith("proj", StringComparison.Ordinal) || f.EndsWith(".sln", StringComparison.Ordinal) || f.EndsWith(".slnx", StringComparison.Ordinal))))))[..12];
        var target = Path.Combine(folder, layout);
        Sync(staged, files, target);
        var (exit, log, timedOut) = DotnetBuild(target);
        lock (_findings)
        {
            if (exit == 0)
            {
                Built++;
            }
            else
            {
                Failed++;
                var errors = log.Split('\n').Where(l => l.Contains("error", StringComparison.OrdinalIgnoreCase)).Take(3);
                _findings.Add($"build failure{(timedOut ? " (timed out)" : "")}: the output of {keep()} (exit {exit}): {string.Join(" | ", errors)}");
            }
        }
    }

    private static void Sync(string staged, string[] files, string target)
    {
        foreach (var f in files)
        {
            var to = Path.Combine(target, f);
            var bytes = File.ReadAllBytes(Path.Combine(staged, f));
            if (!File.Exists(to) || !File.ReadAllBytes(to).AsSpan().SequenceEqual(bytes))
            {
                Directory.CreateDirectory(Path.GetDirectoryName(to)!);
                File.WriteAllBytes(to, bytes);
            }
        }

        var keep = files.ToHashSet(StringComparer.Ordinal);
        foreach (var existing in Directory.GetFiles(target, "*", SearchOption.AllDirectories))
        {
            var rel = Path.GetRelativePath(target, existing);
            var parts = rel.Split(Path.DirectorySeparatorChar);
            if (!keep.Contains(rel) && !parts.Contains("bin") && !parts.Contains("obj"))
            {
                File.Delete(existing);
            }
        }
    }

    private static (int Exit, string Log, bool TimedOut) DotnetBuild(string dir) =>
        ChildProcess.Run("dotnet", dir, ["build", "-nologo", "-v", "q", "-m:1", "-nodeReuse:false"], BuildLimit);

    private static string ContentHash(string root, string[] files)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var f in files)
        {
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes(f + "\0"));
            hash.AppendData(File.ReadAllBytes(Path.Combine(root, f)));
        }

        return Convert.ToHexString(hash.GetHashAndReset());
    }
}
