using System.Text.RegularExpressions;
using Fluxo.TestSupport;

namespace Fluxo.Core.Tests;

/// <summary>
/// Inside each project the namespaces form layers: no namespace depends on itself through others. Read
/// from the sources (no compiler needed): a file depends on a namespace when it names one of that namespace's
/// types and can see it (a using, or an enclosing namespace), or writes a name qualified by it.
/// </summary>
public sealed partial class NamespaceCycleTests
{
    [Theory]
    [InlineData("Fluxo.Core")]
    [InlineData("Fluxo.Runtime")]
    [InlineData("Fluxo.Optimizer")]
    [InlineData("Fluxo.Flimp")]
    [InlineData("Fluxo.Frontends")]
    [InlineData("Fluxo.Reporting")]
    [InlineData("Fluxo.Pipes")]
    [InlineData("Fluxo.Backend.Azure")]
    [InlineData("Fluxo.Cli")]
    public void NoNamespaceDependsOnItselfThroughOthers(string project)
    {
        var graph = NamespaceGraph.Read(Path.Combine(RepoPaths.Root, "src", project));
        Assert.True(graph.Namespaces.Count > 0, $"no C# namespaces found under src/{project}");
        var cycle = graph.FindCycle();
        Assert.True(cycle is null, cycle is null ? "" : $"namespace cycle in src/{project}: {graph.Describe(cycle)}");
    }

    [Fact]
    public void TheCheckFindsACycle()
    {
        var dir = Directory.CreateTempSubdirectory("fluxo-ns-");
        try
        {
            File.WriteAllText(Path.Combine(dir.FullName, "A.cs"), "using Demo.B;\nnamespace Demo.A;\npublic sealed class First { Second? s; }\n");
            File.WriteAllText(Path.Combine(dir.FullName, "B.cs"), "namespace Demo.B;\n// First in a comment does not count\npublic sealed class Second { Demo.A.First? f; }\n");
            File.WriteAllText(Path.Combine(dir.FullName, "C.cs"), "namespace Demo.C;\npublic sealed class Third { }\n");
            var graph = NamespaceGraph.Read(dir.FullName);
            var cycle = graph.FindCycle();
            Assert.NotNull(cycle);
            Assert.Equal(["Demo.A", "Demo.B"], cycle.Order(StringComparer.Ordinal));

            File.WriteAllText(Path.Combine(dir.FullName, "B.cs"), "namespace Demo.B;\n// First in a comment does not count\npublic sealed class Second { }\n");
            Assert.Null(NamespaceGraph.Read(dir.FullName).FindCycle());
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private sealed partial class NamespaceGraph
    {
        private readonly Dictionary<string, HashSet<string>> _types = new(StringComparer.Ordinal);
        private readonly Dictionary<string, Dictionary<string, string>> _edges = new(StringComparer.Ordinal);

        public IReadOnlyCollection<string> Namespaces => _types.Keys;

        public static NamespaceGraph Read(string folder)
        {
            var files = Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories)
                .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                    && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
                .Select(f => (Path: Path.GetRelativePath(folder, f), Code: Code(File.ReadAllText(f))))
                .Select(f => (f.Path, f.Code, Namespace: NamespaceDecl().Match(f.Code) is { Success: true } m ? m.Groups[1].Value : null))
                .Where(f => f.Namespace is not null)
                .ToList();
            var graph = new NamespaceGraph();
            foreach (var (_, code, ns) in files)
            {
                var types = graph.TypesOf(ns!);
                foreach (Match m in TypeDecl().Matches(code))
                {
                    types.Add(m.Groups[1].Value);
                }
            }

            foreach (var (path, code, ns) in files)
            {
                graph.AddUses(path, code, ns!);
            }

            return graph;
        }

        /// <summary>One cycle (its namespaces in order), or null when the namespaces are layered.</summary>
        public List<string>? FindCycle()
        {
            var state = new Dictionary<string, int>(StringComparer.Ordinal);
            var path = new List<string>();
            foreach (var ns in _types.Keys.Order(StringComparer.Ordinal))
            {
                if (Visit(ns, state, path) is { } cycle)
                {
                    return cycle;
                }
            }

            return null;
        }

        public string Describe(List<string> cycle) => string.Join("; ", cycle.Select((ns, i) =>
        {
            var next = cycle[(i + 1) % cycle.Count];
            return $"{ns} -> {next} ({_edges[ns][next]})";
        }));

        private List<string>? Visit(string ns, Dictionary<string, int> state, List<string> path)
        {
            if (state.GetValueOrDefault(ns) == 2)
            {
                return null;
            }

            if (state.GetValueOrDefault(ns) == 1)
            {
                return path[path.IndexOf(ns)..];
            }

            state[ns] = 1;
            path.Add(ns);
            foreach (var next in _edges.GetValueOrDefault(ns)?.Keys.Order(StringComparer.Ordinal) ?? Enumerable.Empty<string>())
            {
                if (Visit(next, state, path) is { } cycle)
                {
                    return cycle;
                }
            }

            path.RemoveAt(path.Count - 1);
            state[ns] = 2;
            return null;
        }

        private HashSet<string> TypesOf(string ns)
        {
            if (!_types.TryGetValue(ns, out var set))
            {
                _types[ns] = set = new HashSet<string>(StringComparer.Ordinal);
            }

            return set;
        }

        private void AddUses(string path, string code, string ns)
        {
            var enclosing = Enclosing(ns).ToList();
            var visible = UsingDirective().Matches(code).Select(m => m.Groups[1].Value).Concat(enclosing).Where(_types.ContainsKey).ToHashSet(StringComparer.Ordinal);
            var words = Word().Matches(code).Select(m => m.Value).ToHashSet(StringComparer.Ordinal);
            // using static names a type, so its namespace is used whatever the file mentions.
            foreach (Match m in UsingStatic().Matches(code))
            {
                var type = m.Groups[1].Value;
                if (type.LastIndexOf('.') is > 0 and var dot && type[..dot] is var owner && owner != ns && _types.ContainsKey(owner))
                {
                    AddEdge(ns, owner, $"{path} uses static {type}");
                }
            }

            foreach (var other in visible.Where(v => v != ns))
            {
                if (_types[other].FirstOrDefault(words.Contains) is { } type)
                {
                    AddEdge(ns, other, $"{path} names {type}");
                }
            }

            // A qualified name (Engine.RequestInfo, Fluxo.Runtime.Engine.RequestInfo) binds through the enclosing namespaces.
            foreach (Match m in QualifiedName().Matches(Directive().Replace(code, "")))
            {
                var parts = m.Value.Split('.');
                for (var k = 1; k < parts.Length; k++)
                {
                    var qualifier = string.Join('.', parts[..k]);
                    foreach (var outer in enclosing.Prepend(ns).Append(""))
                    {
                        var candidate = outer.Length == 0 ? qualifier : outer + "." + qualifier;
                        if (candidate != ns && _types.ContainsKey(candidate))
                        {
                            AddEdge(ns, candidate, $"{path} writes {m.Value}");
                        }
                    }
                }
            }
        }

        private void AddEdge(string from, string to, string why)
        {
            if (!_edges.TryGetValue(from, out var targets))
            {
                _edges[from] = targets = new Dictionary<string, string>(StringComparer.Ordinal);
            }

            targets.TryAdd(to, why);
        }

        private static IEnumerable<string> Enclosing(string ns)
        {
            for (var i = ns.LastIndexOf('.'); i > 0; i = ns.LastIndexOf('.', i - 1))
            {
                yield return ns[..i];
            }
        }

        /// <summary>The code without comments and string contents, where a type's name is not a use of it.</summary>
        private static string Code(string text) => CommentOrString().Replace(text, m => m.Value.StartsWith('/') ? " " : "\"\"");

        [GeneratedRegex(@"^\s*namespace\s+([\w.]+)", RegexOptions.Multiline)]
        private static partial Regex NamespaceDecl();

        [GeneratedRegex(@"\b(?:(?:record\s+)?(?:class|struct)|record|interface|enum|delegate\s+[\w<>?,\[\]]+)\s+([A-Za-z_]\w*)")]
        private static partial Regex TypeDecl();

        [GeneratedRegex(@"^\s*(?:global\s+)?using\s+(?:static\s+)?([\w.]+)\s*;", RegexOptions.Multiline)]
        private static partial Regex UsingDirective();

        [GeneratedRegex(@"^\s*(?:global\s+)?using\s+static\s+([\w.]+)\s*;", RegexOptions.Multiline)]
        private static partial Regex UsingStatic();

        [GeneratedRegex(@"\b[A-Za-z_]\w*")]
        private static partial Regex Word();

        [GeneratedRegex(@"^\s*(?:global\s+)?(?:using|namespace)\b[^;{\n]*", RegexOptions.Multiline)]
        private static partial Regex Directive();

        [GeneratedRegex(@"\b[A-Z]\w*(?:\.[A-Z]\w*)+")]
        private static partial Regex QualifiedName();

        [GeneratedRegex(@"//[^\n]*|/\*.*?\*/|"""""".*?""""""|@""(?:[^""]|"""")*""|""(?:[^""\\\n]|\\.)*""|'(?:[^'\\\n]|\\.)'", RegexOptions.Singleline)]
        private static partial Regex CommentOrString();
    }
}
