namespace Fluxo.Values;

public enum ValueKind : byte
{
    Null,
    Bool,
    Int,
    Float,
    String,
    List,
    Record,
}
