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

    /// <summary>The IR's type text, written into one buffer: nested interpolation would copy every inner level again, quadratic in the depth.</summary>
    public sealed override string ToString()
    {
        var text = new System.Text.StringBuilder();
        Write(text);
        return text.ToString();
    }

    internal abstract void Write(System.Text.StringBuilder text);
}

public sealed record PrimType(string Name) : FlimpType
{
    internal override void Write(System.Text.StringBuilder text) => text.Append(Name);
}

public sealed record ListType(FlimpType Element) : FlimpType
{
    internal override void Write(System.Text.StringBuilder text)
    {
        text.Append("list<");
        Element.Write(text);
        text.Append('>');
    }
}

public sealed record OptionalType(FlimpType Inner) : FlimpType
{
    internal override void Write(System.Text.StringBuilder text)
    {
        Inner.Write(text);
        text.Append('?');
    }
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

    internal override void Write(System.Text.StringBuilder text)
    {
        if (Name is not null)
        {
            text.Append(Name);
            return;
        }

        text.Append('{');
        for (var i = 0; i < Fields.Length; i++)
        {
            text.Append(i == 0 ? "" : ", ").Append(Fields[i].Name).Append(": ");
            Fields[i].Type.Write(text);
        }

        text.Append('}');
    }
}
