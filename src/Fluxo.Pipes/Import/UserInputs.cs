using System.Collections.Immutable;
using Fluxo.Ir;
using Fluxo.Pipes.Modules;
using Fluxo.Values;

namespace Fluxo.Pipes.Import;

/// <summary>A user input of a pipe as Yahoo declared it: name, Yahoo type, default and prompt.</summary>
public sealed record PipeUserInput(string Name, string Module, string YahooType, string Default, string Prompt);

/// <summary>The user inputs (text, number, url, date, location, private) of an imported pipe.</summary>
public static class UserInputs
{
    public static ImmutableArray<PipeUserInput> Of(Graph graph) =>
        [.. graph.Nodes
            .Where(n => n.Kind == NodeKind.PipeModule && ModuleCatalog.ShapeOf(n.Target ?? "") == ModuleShape.UserInput && n.Config is not null)
            .Select(n => new PipeUserInput(
                Settings.InputName(n.Config!) ?? n.Label,
                n.Target!,
                n.Config!["default"].At("type")?.ToString() ?? "text",
                n.Config!["default"].At("value")?.ToString() ?? "",
                n.Config!["prompt"].At("value")?.ToString() ?? ""))
            .DistinctBy(i => i.Name)];

    /// <summary>User inputs a request leaves out, as none: the module then falls back to the pipe's default.</summary>
    public static IEnumerable<KeyValuePair<string, Value>> Defaulted(Graph graph, IEnumerable<string> given)
    {
        var have = given.ToHashSet(StringComparer.Ordinal);
        return graph.Params.Where(p => !have.Contains(p.Name)).Select(p => new KeyValuePair<string, Value>(p.Name, Value.Null));
    }

    /// <summary><paramref name="request"/> with every user input it leaves out added as none.</summary>
    public static Value Complete(Graph graph, Value request) =>
        Value.Record(request.AsRecord.Concat(Defaulted(graph, request.AsRecord.Select(f => f.Key))));

    internal static string IrType(string moduleType) => moduleType == "numberinput" ? "float" : "string";
}
