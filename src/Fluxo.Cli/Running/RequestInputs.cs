using Fluxo.Diagnostics;
using Fluxo.Ir;
using Fluxo.Pipes.Import;
using Fluxo.Values;

namespace Fluxo.Cli.Running;

/// <summary>`fluxo run FILE --handler H name=value ...`: the request a handler gets from its command-line inputs.</summary>
internal static class RequestInputs
{
    /// <summary>The request record from name=value inputs, each checked against its parameter's type; a pipe's missing inputs are none.</summary>
    public static List<KeyValuePair<string, Value>> Read(IrModule module, Graph graph, IReadOnlyList<string> inputs, DiagnosticBag diags)
    {
        var fields = new List<KeyValuePair<string, Value>>();
        foreach (var text in inputs)
        {
            var eq = text.IndexOf('=');
            if (eq <= 0)
            {
                diags.Add(Diag.BadInputArgument(text));
                continue;
            }

            var name = text[..eq];
            if (graph.Params.FirstOrDefault(p => p.Name == name) is not { } param)
            {
                diags.Add(Diag.UnknownInput(graph.Name, name, graph.Params.IsEmpty ? "none" : string.Join(", ", graph.Params.Select(p => p.Name))));
            }
            else if (fields.Exists(f => f.Key == name))
            {
                diags.Add(Diag.InputGivenTwice(name));
            }
            else if (ParamValues.FromText(text[(eq + 1)..], param.Type, module.DeclaredFields, out var problem) is { } value)
            {
                fields.Add(new(name, value));
            }
            else
            {
                diags.Add(Diag.InputWrongType(name, text[(eq + 1)..], param.Type, problem!));
            }
        }

        if (PipeSupport.IsPipe(module))
        {
            fields.AddRange(UserInputs.Defaulted(graph, fields.Select(f => f.Key)));
        }

        foreach (var p in graph.Params.Where(p => !fields.Exists(f => f.Key == p.Name)))
        {
            if (p.Type.EndsWith('?'))
            {
                fields.Add(new(p.Name, Value.Null));
            }
            else if (!inputs.Any(i => i.StartsWith(p.Name + "=", StringComparison.Ordinal)))
            {
                diags.Add(Diag.InputMissing(graph.Name, p.Name, p.Type));
            }
        }

        return fields;
    }
}
