using System.Collections.Immutable;
using Fluxo.Values;

namespace Fluxo.Ir;

/// <summary>A whole service (a Flimp file or an imported pipe): declarations and one graph per handler.</summary>
public sealed record IrModule(
    string Service,
    string SourceFile,
    ImmutableArray<RecordDecl> Records,
    ImmutableArray<ExternDecl> Externs,
    ImmutableArray<FnDecl> Functions,
    ImmutableArray<TableDecl> Tables,
    ImmutableArray<Graph> Graphs)
{
    public Graph? FindGraph(string name) => Graphs.FirstOrDefault(g => g.Name == name);

    public ExternDecl? FindExtern(string name) => Externs.FirstOrDefault(e => e.Name == name);

    public FnDecl? FindFunction(string name) => Functions.FirstOrDefault(f => f.Name == name);

    public TableDecl? FindTable(string name) => Tables.FirstOrDefault(t => t.Name == name);

    /// <summary>The fields of a record type, or of a table's rows (keys first), for checking values (<see cref="ParamValues"/>).</summary>
    public IReadOnlyList<(string Name, string Type)>? DeclaredFields(string type) =>
        Records.FirstOrDefault(r => r.Name == type) is { } record ? [.. record.Fields.Select(f => (f.Name, f.Type))]
        : FindTable(type) is { } t ? ParamValues.RowFields((t.PartitionKey.Name, t.PartitionKey.Type), (t.RowKey.Name, t.RowKey.Type), t.Fields.Select(f => (f.Name, f.Type)))
        : null;
}
