using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fluxo.Diagnostics;
using Fluxo.Ir;
using Fluxo.Pipes.Modules;

namespace Fluxo.Pipes.Import;

/// <summary>
/// Yahoo Pipes JSON to the dataflow IR: one graph <c>run</c> whose parameters are the pipe's user inputs and
/// whose nodes are its modules (Source first, modules in topological order with ties broken by module id, Sink last).
/// Sub-pipes are nested: their resolved definition travels in the calling module's config under
/// <see cref="ModuleCatalog.SubPipeKey"/>, so the IR is self-contained.
/// </summary>
public static class PipeImporter
{
    public const string HandlerName = "run";

    public static IrModule? Import(string path, string json, PipeSearchPath subPipes, DiagnosticBag diags) =>
        ImportCore(path, json, subPipes, diags, [], new Dictionary<string, Imported?>(StringComparer.Ordinal))?.Module;

    /// <summary>Reads the pipe file; unreadable files are diagnostics.</summary>
    public static IrModule? ImportFile(string path, PipeSearchPath? subPipes, DiagnosticBag diags)
    {
        if (InputFile.ReadText(path, diags) is not { } json)
        {
            return null;
        }

        return Import(path, json, subPipes ?? PipeSearchPath.Beside(path), diags);
    }

    /// <summary>
    /// A top-level import gives the module; a sub-pipe's gives only its resolved definition (what its caller embeds), so
    /// neither is built where it is not used: in a deep fan-out each copy of the tree costs time.
    /// </summary>
    internal sealed record Imported(IrModule? Module, JsonObject? ResolvedRoot, int Modules);

    /// <summary>
    /// Modules in a pipe once its sub-pipes are expanded: each call embeds a copy of the sub-pipe, so a fan-out grows as
    /// a power (6 calls of 6, seven levels deep, is nearly a million modules and gigabytes). Real pipes hold dozens.
    /// </summary>
    public const int MaxExpandedModules = 100_000;

    /// <param name="imported">
    /// The sub-pipe files already imported in this import, by path (null: it failed, and said why). A sub-pipe imports
    /// the same under any caller (one that reaches a caller again is on a cycle, which fails wherever it is met), so it
    /// is read once: a pipe calling 6 sub-pipes that each call 6, five levels deep, reads 6 files, not 9,331.
    /// </param>
    internal static Imported? ImportCore(string path, string json, PipeSearchPath subPipes, DiagnosticBag diags, ImmutableHashSet<string> callers, Dictionary<string, Imported?> imported)
    {
        JsonPositions positions;
        JsonNode? root;
        try
        {
            positions = JsonPositions.Build(json);
            root = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException e)
        {
            diags.Add(Diag.PipeMalformedJson(path, (int)(e.LineNumber ?? 0) + 1, (int)(e.BytePositionInLine ?? 0) + 1, FirstSentence(e.Message)));
            return null;
        }

        return new Builder(path, positions, subPipes, diags, callers, imported).Build(root);
    }

    internal static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal) is var l and > 0 ? l : message.IndexOf(" Path:", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).TrimEnd('.', ' ');
    }

    private sealed class Builder(string path, JsonPositions positions, PipeSearchPath subPipes, DiagnosticBag diags, ImmutableHashSet<string> callers, Dictionary<string, Imported?> imported)
    {
        // Modules the resolved sub-pipes bring, expanded.
        private int _subModules;

        private readonly List<PipeModuleDef> _modules = [];
        private readonly Dictionary<string, PipeModuleDef> _byId = new(StringComparer.Ordinal);
        private readonly Dictionary<string, PipeModuleDef> _embeddedOwner = new(StringComparer.Ordinal);
        private readonly List<PipeWire> _wires = [];

        // Modules already reported as broken: wires to them are not reported again as dangling.
        private readonly HashSet<string> _broken = new(StringComparer.Ordinal);

        private SourceSpan Span(string jsonPath)
        {
            var (line, col) = positions[jsonPath];
            return new SourceSpan(path, line, col, line, col, jsonPath);
        }

        public Imported? Build(JsonNode? root)
        {
            if (root is not JsonObject top)
            {
                diags.Add(Diag.PipeBadShape(Span("$"), "the top level must be an object with 'modules' and 'wires'"));
                return null;
            }

            var errorsBefore = diags.Items.Count(d => d.Severity == Severity.Error);
            ReadModules(top);
            ReadWires(top);
            if (diags.Items.Count(d => d.Severity == Severity.Error) > errorsBefore)
            {
                return null;
            }

            var outputs = _modules.Where(m => m.Type == "output").ToList();
            if (outputs.Count != 1)
            {
                diags.Add(outputs.Count == 0
                    ? Diag.PipeNoOutput(Span("$.modules"))
                    : Diag.PipeBadShape(outputs[1].Span, "a pipe has exactly one output module"));
                return null;
            }

            var live = LiveModules(outputs[0]);
            var order = TopologicalOrder(live);
            if (order is null)
            {
                return null;
            }

            if (!callers.IsEmpty)
            {
                return new Imported(null, Resolved(top), _modules.Count + _subModules);
            }

            var graph = PipeGraphBuilder.Build(path, order, _wires.Where(w => live.Contains(w.To) && live.Contains(w.From)).ToList(), outputs[0], Span("$"));
            return new Imported(new IrModule(Path.GetFileNameWithoutExtension(path), path, [], [], [], [], [graph]), null, _modules.Count + _subModules);
        }

        // The sub-pipe as its caller embeds it: modules with their own sub-pipes attached, and its wires (no layout).
        // The module confs are this import's own copies, so they move into it rather than being copied again.
        private JsonObject Resolved(JsonObject top)
        {
            var copy = new JsonObject(top.Where(kv => kv.Key is not ("modules" or "layout" or "terminaldata")).Select(kv => KeyValuePair.Create(kv.Key, kv.Value?.DeepClone())));
            copy["modules"] = new JsonArray([.. _modules.Select(m => (JsonNode)new JsonObject { ["type"] = m.Type, ["id"] = m.Id, ["conf"] = m.Conf.Parent is null ? m.Conf : m.Conf.DeepClone() })]);
            return copy;
        }

        private void ReadModules(JsonObject top)
        {
            var modulesPath = "$.modules";
            foreach (var (node, jsonPath) in Settings.ListOrBare(top["modules"], modulesPath))
            {
                var def = ReadModule(node, jsonPath);
                if (def is null)
                {
                    if (node.At("id")?.ToString() is { } brokenId)
                    {
                        _broken.Add(brokenId);
                        if (node.At("conf").At("embed").At("value").At("id")?.ToString() is { } embeddedId)
                        {
                            _broken.Add(embeddedId);
                        }
                    }

                    continue;
                }

                if (!_byId.TryAdd(def.Id, def))
                {
                    diags.Add(Diag.PipeDuplicateModule(def.Span, def.Id));
                    continue;
                }

                _modules.Add(def);
            }

            if (top["modules"] is null)
            {
                diags.Add(Diag.PipeBadShape(Span("$"), "'modules' is missing"));
            }
        }

        private PipeModuleDef? ReadModule(JsonNode? node, string jsonPath)
        {
            var span = Span(jsonPath);
            if (node is not JsonObject obj || obj["type"]?.GetValueKind() != JsonValueKind.String || obj["id"]?.GetValueKind() != JsonValueKind.String)
            {
                diags.Add(Diag.PipeBadShape(span, "a module needs a string 'type' and a string 'id'"));
                return null;
            }

            var type = obj["type"]!.GetValue<string>();
            var id = obj["id"]!.GetValue<string>();
            var conf = obj["conf"] as JsonObject;
            if (!ModuleCatalog.IsKnown(type))
            {
                diags.Add(Diag.PipeUnknownModule(Span(JsonPositions.Child(jsonPath, "type")), id, type));
                return null;
            }

            if (ModuleCatalog.Find(type) is { Status: ModuleStatus.Refused } refused)
            {
                diags.Add(Diag.PipeModuleRefused(Span(JsonPositions.Child(jsonPath, "type")), id, type, refused.Name, refused.Notes));
                return null;
            }

            var confCopy = conf?.DeepClone().AsObject() ?? [];
            if (ModuleCatalog.IsSubPipe(type) && !ResolveSubPipe(type[ModuleCatalog.SubPipePrefix.Length..], confCopy, span))
            {
                return null;
            }

            if (type == "loop" && !ReadEmbedded(confCopy, JsonPositions.Child(JsonPositions.Child(jsonPath, "conf"), "embed"), id))
            {
                return null;
            }

            return new PipeModuleDef(id, type, confCopy, span);
        }

        private bool ReadEmbedded(JsonObject loopConf, string embedPath, string loopId)
        {
            var valuePath = JsonPositions.Child(embedPath, "value");
            var embedded = loopConf["embed"].At("value");
            if (embedded is null)
            {
                diags.Add(Diag.PipeBadShape(Span(embedPath), $"loop '{loopId}' has no embedded module (conf.embed.value)"));
                return false;
            }

            var def = ReadModule(embedded, valuePath);
            if (def is null)
            {
                return false;
            }

            if (def.Type is "loop" or "output" or "split" || ModuleCatalog.ShapeOf(def.Type) == ModuleShape.UserInput)
            {
                diags.Add(Diag.PipeBadShape(def.Span, $"a loop cannot embed a '{def.Type}' module"));
                return false;
            }

            // The resolved copy (with any sub-pipe definition attached) replaces the exported one.
            loopConf["embed"]!["value"] = new JsonObject { ["type"] = def.Type, ["id"] = def.Id, ["conf"] = def.Conf };
            _embeddedOwner[def.Id] = new PipeModuleDef(loopId, "loop", loopConf, def.Span);
            return true;
        }

        private bool ResolveSubPipe(string pipeId, JsonObject conf, SourceSpan span)
        {
            if (conf[ModuleCatalog.SubPipeKey] is JsonObject)
            {
                return true;
            }

            if (!PipeSearchPath.IsPlainName(pipeId))
            {
                diags.Add(Diag.SubPipeIdNotAName(span, pipeId));
                return false;
            }

            if (callers.Contains(pipeId))
            {
                diags.Add(Diag.PipeSubPipeRecursive(span, pipeId));
                return false;
            }

            var file = subPipes.Find(pipeId);
            if (file is null)
            {
                diags.Add(Diag.PipeSubPipeNotFound(span, pipeId, subPipes.ToString()));
                return false;
            }

            var key = Path.GetFullPath(file);
            if (!imported.TryGetValue(key, out var sub))
            {
                sub = InputFile.ReadText(file, diags) is { } text
                    ? ImportCore(file, text, subPipes, diags, callers.Add(pipeId).Add(Path.GetFileNameWithoutExtension(path).Replace("pipe_", "", StringComparison.Ordinal)), imported)
                    : null;
                imported[key] = sub;
            }

            if (sub is null)
            {
                return false;
            }

            _subModules += sub.Modules;
            if (_subModules > MaxExpandedModules)
            {
                diags.Add(Diag.PipeTooLarge(span, pipeId, MaxExpandedModules));
                return false;
            }

            conf[ModuleCatalog.SubPipeKey] = new JsonObject
            {
                ["id"] = pipeId,
                ["file"] = Path.GetFileName(file),
                ["pipe"] = ResolvedDefinition(sub),
            };
            return true;
        }

        // Each caller gets its own copy: a JSON node has one parent.
        private static JsonObject ResolvedDefinition(Imported sub) => sub.ResolvedRoot!.DeepClone().AsObject();

        private void ReadWires(JsonObject top)
        {
            foreach (var (node, jsonPath) in Settings.ListOrBare(top["wires"], "$.wires"))
            {
                var span = Span(jsonPath);
                var wireId = node.At("id")?.ToString() ?? jsonPath;
                var from = node.At("src").At("moduleid")?.ToString();
                var to = node.At("tgt").At("moduleid")?.ToString();
                var port = node.At("tgt").At("id")?.ToString() ?? "_INPUT";
                var output = node.At("src").At("id")?.ToString() ?? ModuleCatalog.MainOutput;
                if (from is null || to is null)
                {
                    diags.Add(Diag.PipeBadShape(span, "a wire needs src.moduleid and tgt.moduleid"));
                    continue;
                }

                var fromDef = Lookup(from);
                var toDef = Lookup(to);
                if (_broken.Contains(from) || _broken.Contains(to))
                {
                    continue;
                }

                if (fromDef is null)
                {
                    diags.Add(Diag.PipeDanglingWire(Span(JsonPositions.Child(JsonPositions.Child(jsonPath, "src"), "moduleid")), wireId, "comes from", from));
                }

                if (toDef is null)
                {
                    diags.Add(Diag.PipeDanglingWire(Span(JsonPositions.Child(JsonPositions.Child(jsonPath, "tgt"), "moduleid")), wireId, "goes to", to));
                }

                if (fromDef is not null && !ModuleCatalog.OutputsOf(fromDef.Type).Contains(output))
                {
                    diags.Add(Diag.PipeNoSuchOutput(Span(JsonPositions.Child(JsonPositions.Child(jsonPath, "src"), "id")), wireId, from, fromDef.Type, output, ModuleCatalog.OutputsOf(fromDef.Type)));
                }
                else if (fromDef is not null && toDef is not null)
                {
                    _wires.Add(new PipeWire(fromDef.Id, toDef.Id, port, span, fromDef.Type == "split" ? output : null));
                }
            }
        }

        private PipeModuleDef? Lookup(string id) =>
            _byId.TryGetValue(id, out var d) ? d : _embeddedOwner.TryGetValue(id, out var owner) ? _byId.GetValueOrDefault(owner.Id) : null;

        private HashSet<string> LiveModules(PipeModuleDef output)
        {
            var live = new HashSet<string>(StringComparer.Ordinal) { output.Id };
            var work = new Stack<string>([output.Id]);
            while (work.Count > 0)
            {
                var id = work.Pop();
                foreach (var w in _wires.Where(w => w.To == id))
                {
                    if (live.Add(w.From))
                    {
                        work.Push(w.From);
                    }
                }
            }

            foreach (var m in _modules.Where(m => !live.Contains(m.Id)))
            {
                diags.Add(Diag.PipeUnconnectedModule(m.Span, m.Id, m.Type));
            }

            return live;
        }

        // What is left when nothing is ready holds cycles and what hangs below them; peel off modules feeding nothing left.
        private HashSet<string> OnCycle(Dictionary<string, HashSet<string>> pending)
        {
            var left = pending.Keys.ToHashSet(StringComparer.Ordinal);
            bool changed;
            do
            {
                var sinks = left.Where(id => !left.Any(other => pending[other].Contains(id))).ToList();
                left.ExceptWith(sinks);
                changed = sinks.Count > 0;
            }
            while (changed);
            return left;
        }

        private List<PipeModuleDef>? TopologicalOrder(HashSet<string> live)
        {
            var pending = _modules.Where(m => live.Contains(m.Id)).ToDictionary(m => m.Id, m => _wires.Where(w => w.To == m.Id && live.Contains(w.From)).Select(w => w.From).ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);
            var order = new List<PipeModuleDef>();
            while (pending.Count > 0)
            {
                var ready = pending.Where(kv => kv.Value.Count == 0).Select(kv => kv.Key).OrderBy(id => id, ModuleIdComparer.Instance).FirstOrDefault();
                if (ready is null)
                {
                    var cycle = OnCycle(pending).OrderBy(id => id, ModuleIdComparer.Instance).ToList();
                    diags.Add(Diag.PipeCycle(_byId[cycle[0]].Span, cycle));
                    return null;
                }

                pending.Remove(ready);
                foreach (var deps in pending.Values)
                {
                    deps.Remove(ready);
                }

                order.Add(_byId[ready]);
            }

            return order;
        }
    }
}

/// <summary>A module as read from the pipe: its id, type, (copied) settings and where it was written.</summary>
internal sealed record PipeModuleDef(string Id, string Type, JsonObject Conf, SourceSpan Span);

/// <summary>A wire from one module's output to a terminal (port) of another; <see cref="Output"/> names which output
/// of a module that has several (a split).</summary>
internal sealed record PipeWire(string From, string To, string Port, SourceSpan Span, string? Output = null);

/// <summary>Orders module ids like "sw-61" &lt; "sw-142": text, then the number, so ids are stable and readable.</summary>
internal sealed class ModuleIdComparer : IComparer<string>
{
    public static readonly ModuleIdComparer Instance = new();

    public int Compare(string? x, string? y)
    {
        var (px, nx) = Split(x ?? "");
        var (py, ny) = Split(y ?? "");
        var c = string.CompareOrdinal(px, py);
        return c != 0 ? c : nx != ny ? nx.CompareTo(ny) : string.CompareOrdinal(x, y);
    }

    private static (string, long) Split(string id)
    {
        var i = id.Length;
        while (i > 0 && char.IsAsciiDigit(id[i - 1]))
        {
            i--;
        }

        return i < id.Length && id.Length - i < 18 ? (id[..i], long.Parse(id[i..], System.Globalization.CultureInfo.InvariantCulture)) : (id, -1);
    }
}
