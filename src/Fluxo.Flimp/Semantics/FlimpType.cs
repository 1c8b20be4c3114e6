using System.Collections.Immutable;

namespace Fluxo.Flimp.Semantics;

/// <summary>A Flimp static type. <see cref="ToString"/> gives the IR's type text.</summary>
public abstract record FlimpType
{
    public static readonly FlimpType String = new PrimType("string");
    public static readonly FlimpType Int = new PrimType("int");
    public static readonly FlimpType Float = new PrimType("float");
    public static readonly FlimpType Bool = new PrimType("bool");
    public static readonly FlimpType Unit = new PrimType("unit");
    public static readonly FlimpType Any = new PrimType("any");

    /// <summary>The type of <c>none</c>: fits every optional type.</summary>
    public static readonly FlimpType None = new PrimType("none");

    /// <summary>The item type of <c>[]</c>: fits every type.</summary>
    public static readonly FlimpType Nothing = new PrimType("nothing");

    /// <summary>The type of an expression that already has an error; fits everything so errors do not cascade.</summary>
    public static readonly FlimpType Error = new PrimType("error");

    public bool IsNumeric => this == Int || this == Float;

    public bool IsError => this == Error;
}

public sealed record PrimType(string Name) : FlimpType
{
    public override string ToString() => Name;
}

public sealed record ListType(FlimpType Element) : FlimpType
{
    public override string ToString() => $"list<{Element}>";
}

public sealed record OptionalType(FlimpType Inner) : FlimpType
{
    public override string ToString() => $"{Inner}?";
}

/// <summary>A record: declared (Name set: a record or a table's row) or written inline (Name null, compared by fields).</summary>
public sealed record RecordType(string? Name, ImmutableArray<(string Name, FlimpType Type)> Fields) : FlimpType
{
    public FlimpType? FieldType(string field)
    {
        foreach (var f in Fields)
        {
            if (f.Name == field)
            {
                return f.Type;
            }
        }

        return null;
    }

    // Declared records are nominal; inline ones are equal when their fields are.
    public bool Equals(RecordType? other) =>
        other is not null && Name == other.Name && (Name is not null || Fields.SequenceEqual(other.Fields));

    public override int GetHashCode() => Name is null ? Fields.Length : Name.GetHashCode(StringComparison.Ordinal);

    public override string ToString() => Name ?? "{" + string.Join(", ", Fields.Select(f => $"{f.Name}: {f.Type}")) + "}";
}
