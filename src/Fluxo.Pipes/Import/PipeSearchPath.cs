namespace Fluxo.Pipes.Import;

/// <summary>Directories in which a sub-pipe <c>pipe:ID</c> is looked up as <c>pipe_ID.json</c> (or <c>ID.json</c>), first match wins.</summary>
public sealed class PipeSearchPath(IEnumerable<string> directories)
{
    public static readonly PipeSearchPath Empty = new([]);

    public IReadOnlyList<string> Directories { get; } = directories.ToList();

    /// <summary>The search path a pipe file implies: its own directory.</summary>
    public static PipeSearchPath Beside(string pipeFile) =>
        new([Path.GetDirectoryName(Path.GetFullPath(pipeFile)) ?? "."]);

    /// <summary>A sub-pipe id names a file in a search directory, so it may hold only letters, digits, '_' and '-': never a separator, '..' or a rooted path.</summary>
    public static bool IsPlainName(string pipeId) =>
        pipeId.Length is > 0 and <= 128 && pipeId.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');

    public string? Find(string pipeId)
    {
        if (!IsPlainName(pipeId))
        {
            return null;
        }

        foreach (var dir in Directories)
        {
            foreach (var name in new[] { $"pipe_{pipeId}.json", $"{pipeId}.json" })
            {
                var candidate = Path.Combine(dir, name);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    public override string ToString() => Directories.Count == 0 ? "(no directories)" : string.Join(", ", Directories);
}
