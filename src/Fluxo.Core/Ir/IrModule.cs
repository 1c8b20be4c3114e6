using System.Collections.Immutable;

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
}
