using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fluxo.Pipes.Modules;

namespace Fluxo.Pipes;

/// <summary>The module table of docs/pipes.md: every Yahoo module type, Fluxo's status, and how often a corpus uses it.</summary>
public static class ModuleTable
{
    /// <summary>Key under which sub-pipe calls (types <c>pipe:ID</c>) are counted.</summary>
    public const string SubPipeRow = "pipe:ID";

    /// <summary>For each module type, how many modules of a directory's pipes have it (loop bodies included) and in how many pipes.</summary>
    public static IReadOnlyDictionary<string, (int Modules, int Pipes)> Uses(string directory)
    {
        var uses = new Dictionary<string, (int Modules, int Pipes)>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(directory, "*.json").Order(StringComparer.Ordinal))
        {
            JsonNode? root;
            try
            {
                root = JsonNode.Parse(File.ReadAllText(file));
            }
            catch (JsonException)
            {
                continue;
            }

            var types = new List<string>();
            foreach (var (module, _) in Settings.ListOrBare(root.At("modules"), ""))
            {
                types.Add(TypeOf(module));
                if (module.At("conf").At("embed").At("value") is { } embedded)
                {
                    types.Add(TypeOf(embedded));
                }
            }

            foreach (var group in types.Where(t => t.Length > 0).GroupBy(t => t))
            {
                var (m, p) = uses.GetValueOrDefault(group.Key);
                uses[group.Key] = (m + group.Count(), p + 1);
            }
        }

        return uses;
    }

    private static string TypeOf(JsonNode? module)
    {
        var type = module.At("type")?.ToString() ?? "";
        return ModuleCatalog.IsSubPipe(type) ? SubPipeRow : type;
    }

    /// <summary>The table, one row per module type in the catalog's order, then sub-pipe calls.</summary>
    public static string Markdown(IReadOnlyDictionary<string, (int Modules, int Pipes)> uses)
    {
        var sb = new StringBuilder();
        sb.Append("| module | Yahoo's name | kind | status | corpus: modules (pipes) | notes |\n");
        sb.Append("| --- | --- | --- | --- | --- | --- |\n");
        foreach (var m in ModuleCatalog.All)
        {
            Row(sb, m.Type, m.Name, m.Category, m.Status, m.Notes, uses);
        }

        Row(sb, SubPipeRow, "a published pipe", "sub-pipe", ModuleStatus.Implemented, "nested, not inlined; settings feed its inputs by name", uses);
        return sb.ToString();
    }

    private static void Row(StringBuilder sb, string type, string name, string kind, ModuleStatus status, string notes, IReadOnlyDictionary<string, (int Modules, int Pipes)> uses)
    {
        var statusText = status switch
        {
            ModuleStatus.Implemented => "runs",
            ModuleStatus.ServiceGone => "service gone: FLX3104 when run",
            _ => "refused: FLX3201 at import",
        };
        var used = uses.TryGetValue(type, out var u) ? $"{u.Modules} ({u.Pipes})" : "0";
        sb.Append($"| `{type}` | {name} | {kind} | {statusText} | {used} | {notes.Replace("|", "\\|", StringComparison.Ordinal)} |\n");
    }
}
