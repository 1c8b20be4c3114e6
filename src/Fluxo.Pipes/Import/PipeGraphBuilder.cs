using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Fluxo.Diagnostics;
using Fluxo.Ir;
using Fluxo.Pipes.Modules;

namespace Fluxo.Pipes.Import;

/// <summary>Turns checked, ordered modules and wires into the IR graph and its node properties.</summary>
internal static class PipeGraphBuilder
{
    public static Graph Build(string path, List<PipeModuleDef> order, List<PipeWire> wires, PipeModuleDef output, SourceSpan pipeSpan)
    {
        var nodeOf = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < order.Count; i++)
        {
            nodeOf[order[i].Id] = i + 1;
        }

        var nodes = new List<Node>
        {
            new(0, NodeKind.Source, "inputs", null, [], null, null, "record", new NodeProps(true, true, true, [], []), pipeSpan),
        };
        var parameters = new List<Param>();
        foreach (var m in order)
        {
            ImmutableArray<NodeInput> inputs;
            bool dependsOnInput;
            if (ModuleCatalog.ShapeOf(m.Type) == ModuleShape.UserInput)
            {
                var name = Settings.InputName(m.Conf) ?? m.Id;
                if (!parameters.Exists(p => p.Name == name))
                {
                    parameters.Add(new Param(name, UserInputs.IrType(m.Type)));
                }

                inputs = [new NodeInput(0, Field: name)];
                dependsOnInput = true;
            }
            else
            {
                inputs = [.. wires.Where(w => w.To == m.Id)
                    .OrderBy(w => PortRank(w.Port)).ThenBy(w => w.Port, StringComparer.Ordinal).ThenBy(w => nodeOf[w.From]).ThenBy(w => w.Output, StringComparer.Ordinal)
                    .Select(w => new NodeInput(nodeOf[w.From], Field: w.Output, Port: w.Port))];
                dependsOnInput = inputs.Any(i => nodes[i.From].Props.DependsOnInput);
            }

            var props = new NodeProps(IsDeterministic(m), true, dependsOnInput, [], []);
            nodes.Add(new Node(nodes.Count, NodeKind.PipeModule, $"{m.Type} {m.Id}", m.Type, inputs, null, null, ModuleCatalog.IrType(m.Type), props, m.Span, WithId(m)));
        }

        var outputNode = nodes[nodeOf[output.Id]];
        nodes.Add(new Node(nodes.Count, NodeKind.Sink, "response", null, [new NodeInput(outputNode.Id)], new InputExpr(0), null, "list<any>",
            new NodeProps(true, true, outputNode.Props.DependsOnInput, [], []), output.Span));
        var graph = new Graph(PipeImporter.HandlerName, [.. parameters], "list<any>", [.. nodes], 0, nodes.Count - 1, "", pipeSpan);
        return IrJson.WithHash(graph);
    }

    // The exported conf, plus the module id so an executor can name the module in its diagnostics.
    private static JsonObject WithId(PipeModuleDef m)
    {
        var conf = m.Conf.DeepClone().AsObject();
        conf["fluxo:id"] = m.Id;
        return conf;
    }

    // Union concatenates _INPUT, _OTHER, _OTHER0, _OTHER1, ... in that order; named settings follow.
    private static int PortRank(string port)
    {
        if (port == "_INPUT")
        {
            return -2;
        }

        if (port == "_OTHER")
        {
            return -1;
        }

        return port.StartsWith("_OTHER", StringComparison.Ordinal) && int.TryParse(port.AsSpan(6), out var n) ? n : int.MaxValue;
    }

    /// <summary>
    /// Fetches count as deterministic: a pipe reads public feeds, and caching a feed for a while is what
    /// Yahoo itself did. Only a date built from "now" (a relative or empty date) depends on the clock.
    /// </summary>
    private static bool IsDeterministic(PipeModuleDef m)
    {
        var type = m.Type == "loop" ? m.Conf["embed"].At("value").At("type")?.ToString() ?? "" : m.Type;
        var conf = m.Type == "loop" ? m.Conf["embed"].At("value").At("conf") as JsonObject : m.Conf;
        if (type != "datebuilder")
        {
            return true;
        }

        var date = conf.At("DATE");
        return date.At("terminal") is not null || date.At("subkey") is not null || DateParsing.IsAbsolute(date.At("value")?.ToString() ?? "");
    }
}
