namespace Fluxo.Pipes;

/// <summary>What a module produces: a stream of items (a list of records), one value, or a user input.</summary>
public enum ModuleShape
{
    Stream,
    Scalar,
    UserInput,
}

/// <summary>The module types Fluxo knows, with the facts the importer needs about each.</summary>
public static class ModuleCatalog
{
    private static readonly Dictionary<string, ModuleShape> Shapes = new(StringComparer.Ordinal)
    {
        ["output"] = ModuleShape.Stream,
        ["loop"] = ModuleShape.Stream,
        ["fetch"] = ModuleShape.Stream,
        ["fetchsitefeed"] = ModuleShape.Stream,
        ["feedautodiscovery"] = ModuleShape.Stream,
        ["fetchdata"] = ModuleShape.Stream,
        ["fetchpage"] = ModuleShape.Stream,
        ["xpathfetchpage"] = ModuleShape.Stream,
        ["csv"] = ModuleShape.Stream,
        ["filter"] = ModuleShape.Stream,
        ["sort"] = ModuleShape.Stream,
        ["regex"] = ModuleShape.Stream,
        ["rename"] = ModuleShape.Stream,
        ["union"] = ModuleShape.Stream,
        ["uniq"] = ModuleShape.Stream,
        ["split"] = ModuleShape.Stream,
        ["truncate"] = ModuleShape.Stream,
        ["tail"] = ModuleShape.Stream,
        ["reverse"] = ModuleShape.Stream,
        ["itembuilder"] = ModuleShape.Stream,
        ["rssitembuilder"] = ModuleShape.Stream,
        ["createrss"] = ModuleShape.Stream,
        ["stringtokenizer"] = ModuleShape.Stream,
        ["termextraction"] = ModuleShape.Stream,
        ["yql"] = ModuleShape.Stream,
        ["count"] = ModuleShape.Scalar,
        ["strconcat"] = ModuleShape.Scalar,
        ["urlbuilder"] = ModuleShape.Scalar,
        ["datebuilder"] = ModuleShape.Scalar,
        ["dateformat"] = ModuleShape.Scalar,
        ["simplemath"] = ModuleShape.Scalar,
        ["locationbuilder"] = ModuleShape.Scalar,
        ["textinput"] = ModuleShape.UserInput,
        ["numberinput"] = ModuleShape.UserInput,
        ["urlinput"] = ModuleShape.UserInput,
        ["dateinput"] = ModuleShape.UserInput,
        ["locationinput"] = ModuleShape.UserInput,
        ["privateinput"] = ModuleShape.UserInput,
    };

    public const string SubPipePrefix = "pipe:";

    /// <summary>Key under which the importer stores a resolved sub-pipe's definition in the module's config.</summary>
    public const string SubPipeKey = "fluxo:subpipe";

    public static bool IsKnown(string type) => Shapes.ContainsKey(type) || IsSubPipe(type);

    public static bool IsSubPipe(string type) => type.StartsWith(SubPipePrefix, StringComparison.Ordinal) && type.Length > SubPipePrefix.Length;

    public static ModuleShape ShapeOf(string type) => Shapes.TryGetValue(type, out var s) ? s : ModuleShape.Stream;

    /// <summary>The IR type of a module's output.</summary>
    public static string IrType(string type) => type switch
    {
        "count" => "int",
        "numberinput" or "simplemath" => "float",
        "datebuilder" or "locationbuilder" => "any",
        _ => ShapeOf(type) == ModuleShape.Stream ? "list<any>" : "string",
    };
}
