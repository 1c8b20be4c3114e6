using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Fluxo.Ir;

namespace Fluxo.Pipes;

/// <summary>A user input of a pipe as Yahoo declared it: name, Yahoo type, default and prompt.</summary>
public sealed record PipeUserInput(string Name, string Module, string YahooType, string Default, string Prompt);

/// <summary>The user inputs (text, number, url, date, location, private) of an imported pipe.</summary>
public static class UserInputs
{
    public static ImmutableArray<PipeUserInput> Of(Graph graph) =>
        [.. graph.Nodes
            .Where(n => n.Kind == NodeKind.PipeModule && ModuleCatalog.ShapeOf(n.Target ?? "") == ModuleShape.UserInput && n.Config is not null)
            .Select(n => new PipeUserInput(
                NameOf(n.Config!) ?? n.Label,
                n.Target!,
                n.Config!["default"].At("type")?.ToString() ?? "text",
                n.Config!["default"].At("value")?.ToString() ?? "",
                n.Config!["prompt"].At("value")?.ToString() ?? ""))
            .DistinctBy(i => i.Name)];

    internal static string? NameOf(JsonObject conf)
    {
        var name = conf["name"].At("value")?.ToString();
        return string.IsNullOrEmpty(name) ? null : name;
    }

    internal static string IrType(string moduleType) => moduleType == "numberinput" ? "float" : "string";
}
