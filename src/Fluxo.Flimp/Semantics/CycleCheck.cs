using Fluxo.Diagnostics;

namespace Fluxo.Flimp.Semantics;

/// <summary>Finds cycles in a graph of named callers (fn calls, handler enqueues); each cycle is reported once, at its first edge.</summary>
internal static class CycleCheck
{
    public static void Report(
        IReadOnlyList<string> order,
        IReadOnlyDictionary<string, List<(string Callee, SourceSpan Span)>> edges,
        Func<SourceSpan, string, Diagnostic> diagnostic,
        DiagnosticBag diagnostics)
    {
        var state = new Dictionary<string, int>(StringComparer.Ordinal); // 1 = on the path, 2 = done
        var path = new List<string>();
        foreach (var start in order)
        {
            Visit(start);
        }

        // Iterative depth-first search, so a long call chain cannot exhaust the stack.
        void Visit(string start)
        {
            if (state.ContainsKey(start))
            {
                return;
            }

            var stack = new Stack<(string Node, int Next)>();
            stack.Push((start, 0));
            state[start] = 1;
            path.Add(start);
            while (stack.Count > 0)
            {
                var (node, next) = stack.Pop();
                var outgoing = edges.GetValueOrDefault(node) ?? [];
                if (next >= outgoing.Count)
                {
                    state[node] = 2;
                    path.RemoveAt(path.Count - 1);
                    continue;
                }

                stack.Push((node, next + 1));
                var (callee, span) = outgoing[next];
                if (!edges.ContainsKey(callee))
                {
                    continue;
                }

                switch (state.GetValueOrDefault(callee))
                {
                    case 1:
                        var cycle = path.Skip(path.IndexOf(callee)).Append(callee);
                        diagnostics.Add(diagnostic(span, string.Join(" -> ", cycle)));
                        break;
                    case 0:
                        state[callee] = 1;
                        path.Add(callee);
                        stack.Push((callee, 0));
                        break;
                }
            }
        }
    }
}
