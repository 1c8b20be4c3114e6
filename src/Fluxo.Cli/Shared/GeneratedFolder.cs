using Fluxo.Backend.Azure;
using Fluxo.Diagnostics;

namespace Fluxo.Cli.Shared;

/// <summary>
/// The folder `fluxo compile` writes a solution to. It must be new, empty or written by an earlier compile (it then
/// holds <see cref="Diag.GeneratedMarker"/>, listing the files written); never a file-system root or the home folder.
/// Files an earlier compile wrote and this one does not are removed, so a renamed handler leaves no stale source in
/// the build. Nothing is read, written or removed through a symbolic link, so no path leads outside the folder.
/// </summary>
internal sealed class GeneratedFolder
{
    private readonly string _root;
    private readonly IReadOnlyList<string> _previous;

    private GeneratedFolder(string root, IReadOnlyList<string> previous)
    {
        _root = root;
        _previous = previous;
    }

    /// <summary>The folder, when it may receive a solution; otherwise null and a diagnostic.</summary>
    public static GeneratedFolder? Claim(string path, DiagnosticBag diagnostics)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        var real = Real(full);
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (Path.GetPathRoot(real) is { } root && Same(real, root))
        {
            diagnostics.Add(Diag.OutputFolderRefused(path, "the root of a file system"));
            return null;
        }

        if (home.Length > 0 && Same(real, Real(Path.TrimEndingDirectorySeparator(Path.GetFullPath(home)))))
        {
            diagnostics.Add(Diag.OutputFolderRefused(path, "the home folder"));
            return null;
        }

        if (File.Exists(full))
        {
            diagnostics.Add(Diag.OutputUnwritable(path, "it is a file, not a folder"));
            return null;
        }

        var marker = Path.Combine(full, Diag.GeneratedMarker);
        if (!Directory.Exists(full) || !Directory.EnumerateFileSystemEntries(full).Any())
        {
            return new GeneratedFolder(full, []);
        }

        if (!File.Exists(marker) || new FileInfo(marker).LinkTarget is not null)
        {
            diagnostics.Add(Diag.OutputFolderNotOurs(path));
            return null;
        }

        var listed = File.ReadAllLines(marker).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        return new GeneratedFolder(full, listed);
    }

    /// <summary>Writes the files, removes those the last compile wrote and this one does not, then records what was written.</summary>
    public async Task WriteAsync(IReadOnlyList<GeneratedFile> files, CancellationToken ct)
    {
        Directory.CreateDirectory(_root);
        var written = new HashSet<string>(files.Select(f => f.Path), StringComparer.Ordinal);
        foreach (var stale in _previous.Where(p => !written.Contains(p)))
        {
            if (Inside(stale) is { } path && File.Exists(path))
            {
                File.Delete(path);
                RemoveEmptyParents(path);
            }
        }

        foreach (var f in files)
        {
            var path = Inside(f.Path) ?? throw new IOException($"'{f.Path}' would be written outside the output folder or through a link");
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await File.WriteAllTextAsync(path, f.Text, ct);
        }

        var list = "# Written by fluxo compile; the next compile into this folder removes these files when it no longer generates them.\n"
            + string.Concat(files.Select(f => f.Path + "\n"));
        await File.WriteAllTextAsync(Path.Combine(_root, Diag.GeneratedMarker), list, ct);
    }

    /// <summary>The full path of a relative path listed or generated, or null when it is rooted, climbs out with '..', or passes a link.</summary>
    private string? Inside(string relative)
    {
        if (Path.IsPathRooted(relative) || relative.Split('/', '\\').Any(part => part is ".." or "." or ""))
        {
            return null;
        }

        var full = Path.GetFullPath(Path.Combine(_root, relative));
        if (!full.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            return null;
        }

        for (var dir = Path.GetDirectoryName(full); dir is not null && dir.Length > _root.Length; dir = Path.GetDirectoryName(dir))
        {
            if (Directory.Exists(dir) && new DirectoryInfo(dir).LinkTarget is not null)
            {
                return null;
            }
        }

        return File.Exists(full) && new FileInfo(full).LinkTarget is not null ? null : full;
    }

    private void RemoveEmptyParents(string path)
    {
        for (var dir = Path.GetDirectoryName(path); dir is not null && dir.Length > _root.Length; dir = Path.GetDirectoryName(dir))
        {
            if (Directory.EnumerateFileSystemEntries(dir).Any())
            {
                return;
            }

            Directory.Delete(dir);
        }
    }

    /// <summary>The path with every symbolic link along it resolved, as far as it exists.</summary>
    private static string Real(string path)
    {
        var parts = new Stack<string>();
        var at = path;
        while (!Directory.Exists(at) && Path.GetDirectoryName(at) is { } parent)
        {
            parts.Push(Path.GetFileName(at));
            at = parent;
        }

        var resolved = new DirectoryInfo(at).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? at;
        return Path.TrimEndingDirectorySeparator(parts.Aggregate(resolved, Path.Combine));
    }

    private static bool Same(string a, string b) => string.Equals(Path.TrimEndingDirectorySeparator(a), Path.TrimEndingDirectorySeparator(b), StringComparison.Ordinal);
}
