using System.Text.Json.Nodes;
using Fluxo.Values;

namespace Fluxo.Pipes.Modules;

/// <summary>
/// Yahoo's loop: runs its embedded module once per item (on the item's <c>with</c> field, or the whole item), with
/// the item as the context of subkey settings; <c>assign</c> mode stores the result in <c>assign_to</c> (first result
/// or all), <c>EMIT</c> mode outputs the results instead of the items.
/// </summary>
internal static class LoopModule
{
    public static async Task<Value> RunAsync(ModuleCall call)
    {
        var embedded = call.Conf["embed"].At("value") as JsonObject ?? throw call.BadSetting("embed", "no embedded module");
        var type = embedded["type"]?.ToString() ?? "";
        var id = embedded["id"]?.ToString() ?? call.Id;
        var conf = embedded["conf"] as JsonObject ?? [];
        var with = call.Text("with");
        var emit = call.Text("mode").Equals("EMIT", StringComparison.OrdinalIgnoreCase);
        var firstOnly = call.Text(emit ? "emit_part" : "assign_part") == "first";
        var assignTo = call.Text("assign_to") is { Length: > 0 } a ? a : "loop:" + type;
        var shape = ModuleCatalog.ShapeOf(type);

        var output = new List<Value>();
        foreach (var item in Items.AsItems(call.Input))
        {
            call.Cancellation.ThrowIfCancellationRequested();
            var input = with.Length > 0 ? Items.Get(item, with) ?? Value.Null : item;
            var inner = call.With(type, id, conf, shape == ModuleShape.Stream && input.Kind == ValueKind.Record ? Value.List([input]) : input, item);
            var result = await call.Modules.RunModuleAsync(inner);
            call.LatencyMs += inner.LatencyMs;
            call.WaitedMs += inner.WaitedMs;
            var results = shape == ModuleShape.Stream ? Items.AsItems(result).ToList() : result.IsNull ? [] : [result];
            if (firstOnly && results.Count > 1)
            {
                results = [results[0]];
            }

            if (emit)
            {
                output.AddRange(results.SelectMany(r => Items.AsItems(r)));
            }
            else
            {
                var assigned = results.Count == 0 ? Value.Null : firstOnly || shape != ModuleShape.Stream ? results[0] : Value.List(results);
                output.Add(Items.With(item, assignTo, assigned));
            }
        }

        return Value.List(output);
    }
}
